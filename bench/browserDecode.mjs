// Where should a page's Web Audio engine decode? `node bench/browserDecode.mjs` (after
// `npm run build`) decodes one 20 s stereo 44.1 kHz signal as WAV, plus FLAC and MP3 when the
// `flac` and `lame` encoders are installed, in headless Chromium two ways: `decodeAudioData` of
// the page's AudioContext (48 kHz, so it resamples), and the audio-decode family's decoder in a
// module worker with the PCM transferred to the page. It prints the median time until the
// AudioBuffer is ready and the median longest stall of the page's main thread meanwhile, and
// the decoded length (an MP3 whose encoder delay the browser trimmed is 20 s long exactly).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from 'backbeat/audio/webAudio';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const RATE = 44_100;
const SECONDS = 20;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const here = path.dirname(fileURLToPath(import.meta.url));

function signal(channel) {
  const n = RATE * SECONDS;
  const out = new Float32Array(n);
  let seed = 21 + channel;
  const freqs = [220, 277.18, 329.63, 440 * (channel + 1)];
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    let x = 0;
    for (const f of freqs) x += Math.sin(2 * Math.PI * f * t);
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    out[i] = 0.15 * x * (0.75 + 0.25 * Math.sin(Math.PI * t)) + 0.05 * (seed / 1_073_741_824 - 1);
  }
  return out;
}

const has = (program) => spawnSync(program, ['--version'], { stdio: 'ignore' }).error === undefined;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(path.join(os.tmpdir(), 'backbeat-decode-'));
try {
  writeFileSync(path.join(dir, 'corpus.wav'), encodeWav([signal(0), signal(1)], RATE));
  const files = [{ format: 'wav', url: '/corpus.wav' }];
  if (has('flac')) {
    spawnSync('flac', [
      '--silent',
      '-5',
      path.join(dir, 'corpus.wav'),
      '-o',
      path.join(dir, 'corpus.flac'),
    ]);
    files.push({ format: 'flac', url: '/corpus.flac' });
  }
  if (has('lame')) {
    spawnSync('lame', [
      '--quiet',
      '-b',
      '192',
      path.join(dir, 'corpus.wav'),
      path.join(dir, 'corpus.mp3'),
    ]);
    files.push({ format: 'mp3', url: '/corpus.mp3' });
  }
  const vite = await createServer({
    configFile: false,
    root: path.join(here, 'fixtures/browserDecode'),
    publicDir: dir,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await vite.listen();
  const { port } = vite.httpServer.address();
  const browser = await chromium.launch({
    executablePath: process.env.BACKBEAT_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => window.benchReady, null, { timeout: 30_000 });
    const rows = await page.evaluate(([f, r]) => window.measure(f, r), [files, ROUNDS]);
    console.log(`browser decode: ${SECONDS} s stereo ${RATE} Hz, ${ROUNDS} rounds, medians`);
    for (const { format, way, samples } of rows) {
      const ms = median(samples.map((s) => s.ms));
      const stall = median(samples.map((s) => s.stall));
      const { length, sampleRate } = samples[0].result;
      console.log(
        `${format.padEnd(5)} ${way.padEnd(36)} ${ms.toFixed(1).padStart(7)} ms  (${((SECONDS * 1000) / ms).toFixed(0)}x realtime)  main-thread stall ${stall.toFixed(1).padStart(6)} ms  -> ${length} frames at ${sampleRate} Hz (${(length / sampleRate).toFixed(4)} s)`,
      );
    }
  } finally {
    await browser.close();
    await vite.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
