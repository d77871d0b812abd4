// decode.throughput: seconds of audio decoded per second of wall time through Backbeat's
// `decodeSource` (format sniffing, MP3 encoder delay/padding trimming, error mapping), against
// `audio-decode` called directly on the same bytes. The corpus is one 20 s stereo 44.1 kHz
// signal as WAV, plus FLAC and MP3 when the `flac` and `lame` encoders are installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadWebAudio } from '../fixtures/audio/app.mjs';
import { mediaDir, noise } from '../fixtures/audio/media.mjs';
import { makeRow, measureRounds, NotAvailable, now, reasonOf } from '../harness.mjs';

const RATE = 44_100;
const SECONDS = 20;

/** A music-like test signal: a chord with a slow tremolo plus quiet noise (not trivially compressible). */
function signal(channel) {
  const n = RATE * SECONDS;
  const hiss = noise(n, 21 + channel, 0.05);
  const out = new Float32Array(n);
  const freqs = [220, 277.18, 329.63, 440 * (channel + 1)];
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    let x = 0;
    for (const f of freqs) x += Math.sin(2 * Math.PI * f * t);
    const v = Math.round(
      (0.15 * x * (0.75 + 0.25 * Math.sin(2 * Math.PI * 0.5 * t)) + hiss[i]) * 32767,
    );
    const clamped = Math.max(-32768, Math.min(32767, v));
    out[i] = clamped < 0 ? clamped / 32768 : clamped / 32767;
  }
  return out;
}

const has = (program) => spawnSync(program, ['--version'], { stdio: 'ignore' }).error === undefined;

/** Writes the corpus; returns `{ format, uri, bytes }` per file. */
function corpus(dir) {
  const wav = dir.path('corpus.wav');
  dir.writeWav('corpus.wav', [signal(0), signal(1)], RATE);
  const files = [{ format: 'wav', path: wav }];
  if (has('flac')) {
    const path = dir.path('corpus.flac');
    execFileSync('flac', ['--silent', '--force', '-5', '-o', path, wav], { stdio: 'ignore' });
    files.push({ format: 'flac', path });
  }
  if (has('lame')) {
    const path = dir.path('corpus.mp3');
    execFileSync('lame', ['--silent', '-b', '192', wav, path], { stdio: 'ignore' });
    files.push({ format: 'mp3', path });
  }
  return files.map(({ format, path }) => ({
    format,
    uri: pathToFileURL(path).href,
    bytes: new Uint8Array(readFileSync(path)),
  }));
}

/** Decodes every file once with `decode`; returns seconds of audio per second of wall time. */
async function throughput(files, decode, perFormat) {
  let seconds = 0;
  let elapsed = 0;
  for (const file of files) {
    const start = now();
    const out = await decode(file);
    const ms = now() - start;
    const audio = out.channels[0].length / out.sampleRate;
    if (!(audio > SECONDS - 1)) {
      throw new Error(`${file.format}: decoded ${audio.toFixed(3)} s, expected about ${SECONDS}`);
    }
    perFormat[file.format] = [...(perFormat[file.format] ?? []), audio / (ms / 1000)];
    seconds += audio;
    elapsed += ms;
  }
  return seconds / (elapsed / 1000);
}

/** Measures decode.throughput: decodeSource against audio-decode on the same bytes. */
export async function runAudioDecode(config) {
  let files = null;
  let dir = null;
  let halves = { baseline: null, value: null };
  let reason = null;
  const per = { baseline: {}, value: {} };
  try {
    const webAudio = await loadWebAudio(['decodeSource', 'encodeWav']);
    let audioDecode;
    try {
      audioDecode = (await import('audio-decode')).default;
    } catch (error) {
      throw new NotAvailable(`import 'audio-decode' failed: ${reasonOf(error)}`);
    }
    dir = mediaDir(webAudio.encodeWav);
    files = corpus(dir);
    const direct = async (file) => {
      const r = await audioDecode(file.bytes);
      return { channels: r.channelData, sampleRate: r.sampleRate };
    };
    const backbeat = (file) => webAudio.decodeSource(file.bytes, file.uri);
    // Warm both paths (decoder modules and WebAssembly instantiated once).
    await throughput(files, direct, {});
    await throughput(files, backbeat, {});
    halves = {
      baseline: () => throughput(files, direct, per.baseline),
      value: () => throughput(files, backbeat, per.value),
    };
  } catch (error) {
    reason = reasonOf(error);
  }
  try {
    const r = await measureRounds(config.rounds, halves, config.timeoutMs);
    if (reason !== null) {
      r.value.reason = reason;
      r.baseline.reason = reason;
    }
    const round1 = (x) => Math.round(x * 10) / 10;
    const ratios = {};
    for (const format of Object.keys(per.value)) {
      const sum = (xs) => xs.reduce((a, b) => a + b, 0);
      ratios[format] =
        Math.round((sum(per.value[format]) / sum(per.baseline[format])) * 1000) / 1000;
    }
    return [
      makeRow({
        id: 'decode.throughput',
        unit: 'audio s/s',
        better: 'higher',
        target: 0.9,
        value: r.value,
        baseline: r.baseline,
        extra: {
          formats: files ? files.map((f) => f.format) : [],
          secondsPerFile: SECONDS,
          ratioByFormat: ratios,
          valueByFormat: Object.fromEntries(
            Object.entries(per.value).map(([k, v]) => [
              k,
              round1(v.reduce((a, b) => a + b) / v.length),
            ]),
          ),
        },
      }),
    ];
  } finally {
    dir?.remove();
  }
}
