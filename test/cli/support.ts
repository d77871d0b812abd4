import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from 'backbeat/audio/webAudio';

/** The bin, run against the build in dist/ (the examples import 'backbeat'). */
export const MAIN = fileURLToPath(new URL('../../examples/cli-player/main.mjs', import.meta.url));

/** The `backbeat` bin (`backbeat inspect FILE`). */
export const BACKBEAT_BIN = fileURLToPath(new URL('../../bin/backbeat.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs backbeat-play (or `script`) without a terminal (stdin closed, output piped) and collects
 * its output.
 * Kills it and fails after `timeoutMs`: the player must end by itself well before.
 */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    cwd?: string;
    script?: string;
  } = {},
): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  const child = spawn(process.execPath, [options.script ?? MAIN, ...args], {
    env,
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const limit = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`backbeat-play ${args.join(' ')} did not exit within ${limit} ms:\n${stdout}`),
      );
    }, limit);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A CLI still running, whose output can be awaited line by line. */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Output so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /**
   * Resolves with the first match of `pattern` in stdout (or `stream`; output already printed
   * counts), as soon as it is printed; rejects with the output so far when the process exits
   * first or after `timeoutMs`. The two streams are separate pipes: a line written to one before
   * the other may arrive after it.
   */
  waitForOutput(
    pattern: RegExp,
    timeoutMs?: number,
    stream?: 'stdout' | 'stderr',
  ): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited; kills it and rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<CliResult>;
}

/**
 * Starts `script` (default backbeat-play) without a terminal and returns at once, for runs that
 * stay up (`--inspect`): the test awaits its output and ends it with a signal.
 */
export function spawnCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; script?: string; cwd?: string } = {},
): RunningCli {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  const child = spawn(process.execPath, [options.script ?? MAIN, ...args], {
    env,
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    changed();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    changed();
  });
  const closed = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  closed.then(changed, changed);
  let done = false;
  closed.finally(() => {
    done = true;
  });
  const name = `${options.script ? 'backbeat' : 'backbeat-play'} ${args.join(' ')}`;
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput(pattern, timeoutMs = 20_000, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stream === 'stdout' ? stdout : stderr).match(pattern);
          if (match) finish(() => resolve(match));
          else if (done) {
            finish(() =>
              reject(new Error(`${name} exited before printing ${pattern}:\n${stdout}\n${stderr}`)),
            );
          }
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new Error(
                  `${name} did not print ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`,
                ),
              ),
            ),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    exited(timeoutMs = 15_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${name} did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
        }, timeoutMs);
      });
      return Promise.race([closed, limit]).finally(() => clearTimeout(timer));
    },
  };
}

/** A temporary directory for generated media; `remove()` deletes it. */
export function tempDir(prefix = 'backbeat-cli-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name: string) => join(dir, name),
    writeWav(name: string, channels: Float32Array[], sampleRate = 44_100) {
      const path = join(dir, name);
      writeFileSync(path, encodeWav(channels, sampleRate));
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A signal of 16-bit-exact samples (a chord with a little deterministic noise), so a WAV file
 * holds it exactly and a rendered copy can be compared sample by sample.
 */
export function testSignal(length: number, seed: number, sampleRate = 44_100): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    const noise = (state / 0x1_0000_0000 - 0.5) * 0.05;
    const t = i / sampleRate;
    const x =
      0.3 * Math.sin(2 * Math.PI * (220 + 40 * seed) * t) +
      0.2 * Math.sin(2 * Math.PI * 330 * t) +
      noise;
    const scale = x < 0 ? 32768 : 32767;
    out[i] = Math.round(x * scale) / scale;
  }
  return out;
}

export interface PcmWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Interleaved integer samples. */
  samples: Int16Array;
}

/** Reads a 16-bit PCM WAV file's format and samples (enough for the files encodeWav writes). */
export function readPcm16Wav(bytes: Uint8Array): PcmWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let at = 12;
  let format: Omit<PcmWav, 'samples'> | null = null;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (view.getUint16(body, true) !== 1) throw new Error('not integer PCM');
      format = {
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (format?.bitsPerSample !== 16) throw new Error('not 16-bit PCM');
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + 2 * i, true);
      return { ...format, samples };
    }
    at = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** Lines of `text` that match, in order. */
export function linesMatching(text: string, pattern: RegExp): string[] {
  return text.split('\n').filter((line) => pattern.test(line));
}
