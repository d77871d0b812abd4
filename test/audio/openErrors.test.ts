import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/adapters/audio/wav.ts';
import { createWebAudio } from '../../src/adapters/audio/webAudio/index.ts';
import { loadSource, parseDataUri } from '../../src/adapters/audio/webAudio/loader.ts';
import { MediaError } from '../../src/errors.ts';
import { sine, tempDir } from './support/signals.ts';
import { itWith, run } from './support/tools.ts';

const tmp = tempDir();
const tone = sine(4410);
const wavBytes = encodeWav([tone], 44_100);
const goodUrl = tmp.writeWav('good.wav', [tone]);
let server: Server;
let base = '';
let closedPort = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/good.wav') {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      res.end(wavBytes);
    } else {
      res.writeHead(404);
      res.end('no such media');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free and is closed again: connecting to it is refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  tmp.remove();
});

/** Opens `uri` on a fresh adapter and returns the MediaError it fails with. */
async function failure(uri: string): Promise<MediaError> {
  const audio = createWebAudio({ sink: 'none' });
  try {
    const error = await audio.open(uri).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MediaError);
    return error as MediaError;
  } finally {
    audio.dispose();
  }
}

describe('opening sources that fail', () => {
  it('a missing file is a networkError that names the URI', async () => {
    const uri = tmp.url('missing.flac');
    const error = await failure(uri);
    expect(error.error).toBe('networkError');
    expect(error.message).toContain(uri);
    expect(error.message).toContain('file not found');
  });

  it('an unreachable URL (a closed localhost port) is a networkError', async () => {
    const uri = `http://127.0.0.1:${closedPort}/song.mp3`;
    const error = await failure(uri);
    expect(error.error).toBe('networkError');
    expect(error.message).toContain(uri);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('an HTTP 404 is a networkError quoting the status', async () => {
    const error = await failure(`${base}/nothing.wav`);
    expect(error.error).toBe('networkError');
    expect(error.message).toContain(`${base}/nothing.wav`);
    expect(error.message).toContain('HTTP 404');
  });

  it('a corrupt WAV (header, no samples) is a decodingError', async () => {
    writeFileSync(tmp.path('corrupt.wav'), wavBytes.subarray(0, 44));
    const error = await failure(tmp.url('corrupt.wav'));
    expect(error.error).toBe('decodingError');
    expect(error.message).toContain(tmp.url('corrupt.wav'));
  });

  itWith('flac')('a corrupt FLAC (valid header, garbage frames) is a decodingError', async () => {
    run('flac', ['--silent', '--force', tmp.path('good.wav'), '-o', tmp.path('good.flac')]);
    const flac = readFileSync(tmp.path('good.flac'));
    const garbage = Buffer.alloc(4000, 0x5a);
    writeFileSync(tmp.path('corrupt.flac'), Buffer.concat([flac.subarray(0, 42), garbage]));
    const error = await failure(tmp.url('corrupt.flac'));
    expect(error.error).toBe('decodingError');
    expect(error.message).toContain(tmp.url('corrupt.flac'));
  });

  it('an empty file is a decodingError', async () => {
    writeFileSync(tmp.path('empty.mp3'), '');
    const error = await failure(tmp.url('empty.mp3'));
    expect(error.error).toBe('decodingError');
  });

  it('a file in no audio format is sourceNotSupported', async () => {
    writeFileSync(tmp.path('notes.txt'), 'These are liner notes, not audio.\n'.repeat(40));
    const error = await failure(tmp.url('notes.txt'));
    expect(error.error).toBe('sourceNotSupported');
    expect(error.message).toContain(tmp.url('notes.txt'));
  });

  it('a WAV with a codec the decoder lacks is sourceNotSupported', async () => {
    const odd = Buffer.from(wavBytes);
    odd.writeUInt16LE(0x4d, 20);
    writeFileSync(tmp.path('odd.wav'), odd);
    expect((await failure(tmp.url('odd.wav'))).error).toBe('sourceNotSupported');
  });

  it('unsupported schemes, relative paths and directories are sourceNotSupported', async () => {
    for (const uri of ['ftp://127.0.0.1/a.mp3', 'music/a.mp3', tmp.url('')]) {
      const error = await failure(uri);
      expect(error.error, uri).toBe('sourceNotSupported');
      expect(error.message).toContain(uri);
    }
  });

  it('a malformed data: URI is sourceNotSupported', async () => {
    expect((await failure('data:audio/wav;base64,@@@')).error).toBe('sourceNotSupported');
    expect((await failure('data:audio/wav;base64')).error).toBe('sourceNotSupported');
  });

  it('an open pending when the adapter is disposed rejects with aborted', async () => {
    const audio = createWebAudio({ sink: 'none' });
    const opening = audio.open(goodUrl);
    audio.dispose();
    const error = await opening.then(
      () => null,
      (e: unknown) => e as MediaError,
    );
    expect(error?.error).toBe('aborted');
    const late = await audio.open(goodUrl).then(
      () => null,
      (e: unknown) => e as MediaError,
    );
    expect(late?.error).toBe('aborted');
  });
});

describe('loading sources', () => {
  it('reads file:, http:, data: and in-memory sources to the same bytes', async () => {
    const base64 = `data:audio/wav;base64,${Buffer.from(wavBytes).toString('base64')}`;
    const sources = { 'memory:tone': wavBytes };
    for (const uri of [goodUrl, `${base}/good.wav`, base64, 'memory:tone']) {
      expect(
        Buffer.from(await loadSource(uri, { sources })).equals(Buffer.from(wavBytes)),
        uri,
      ).toBe(true);
    }
  });

  it('decodes percent-encoded and base64 data: URIs', () => {
    expect([...parseDataUri('data:,A%20b%FF')]).toEqual([65, 32, 98, 255]);
    expect([...parseDataUri('data:audio/wav;base64,UklGRg==')]).toEqual([82, 73, 70, 70]);
    expect(() => parseDataUri('data:,%G0')).toThrow(/bad escape `%G0`/);
  });

  it('opens an http: source and an in-memory source as playable tracks', async () => {
    const audio = createWebAudio({ sink: 'none', sources: new Map([['memory:tone', wavBytes]]) });
    try {
      for (const uri of [`${base}/good.wav`, 'memory:tone']) {
        const track = await audio.open(uri);
        expect(track.uri).toBe(uri);
        expect(track.duration).toBeCloseTo(100, 6);
        expect(track.position).toBe(0);
        track.close();
      }
    } finally {
      audio.dispose();
    }
  });
});
