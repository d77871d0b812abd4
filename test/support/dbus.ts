import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A private D-Bus session bus for one test file. */
export interface PrivateBus {
  /** The address to put in `DBUS_SESSION_BUS_ADDRESS`. */
  readonly address: string;
  /** Stops the daemon and removes its socket directory. */
  stop(): Promise<void>;
}

/**
 * The programs in `names` that are not on `PATH`.
 *
 * @example
 * ```ts
 * missingPrograms(['dbus-daemon', 'playerctl']); // [] when both are installed
 * ```
 */
export function missingPrograms(names: readonly string[]): string[] {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return names.filter(
    (name) =>
      !dirs.some((dir) => {
        try {
          accessSync(join(dir, name), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  );
}

/** Whether a D-Bus test file runs, and why not. */
export interface DbusTestGate {
  /** Skip the tests (the programs are missing and this is not CI). */
  readonly skip: boolean;
  /** Why the tests cannot run, or `null` when they can. In CI this is a failure. */
  readonly missing: string | null;
}

/**
 * Decides whether tests needing `programs` run. Outside CI, missing programs skip the tests with
 * a one-line reason on the console; with `CI=true` they must not be skipped, so `skip` is false
 * and `missing` says what to fail with.
 *
 * @example
 * ```ts
 * const gate = dbusTestGate(['dbus-daemon', 'playerctl'], 'mpris');
 * describe.skipIf(gate.skip)('mpris', () => {
 *   if (gate.missing) it('has its programs', () => expect.fail(gate.missing!));
 * });
 * ```
 */
export function dbusTestGate(programs: readonly string[], name: string): DbusTestGate {
  const missing = missingPrograms(programs);
  if (missing.length === 0) return { skip: false, missing: null };
  const reason = `${name}: ${missing.join(', ')} not found on PATH`;
  if (process.env.CI === 'true') return { skip: false, missing: reason };
  console.log(`[skip] ${reason}`);
  return { skip: true, missing: reason };
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `dbus-daemon --session --print-address --nofork` listening in a fresh temporary
 * directory (or, with `abstract`, on an abstract socket named after it), and resolves with its
 * address once it is ready.
 *
 * @example
 * ```ts
 * const bus = await startPrivateBus();
 * // ... DBUS_SESSION_BUS_ADDRESS=bus.address ...
 * await bus.stop();
 * ```
 */
export async function startPrivateBus(options: { abstract?: boolean } = {}): Promise<PrivateBus> {
  const dir = await mkdtemp(join(tmpdir(), 'backbeat-dbus-'));
  const listen = options.abstract ? `unix:abstract=${dir}/bus` : `unix:dir=${dir}`;
  const child = spawn(
    'dbus-daemon',
    ['--session', '--print-address', '--nofork', `--address=${listen}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await waitForExit(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) resolve(line.trim());
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        reject(
          new Error(
            `dbus-daemon exited (${code ?? signal}) before printing its address: ${stderr}`,
          ),
        );
      });
    });
    return { address, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What a `playerctl` run printed. */
export interface PlayerctlResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code (0 on success). */
  readonly code: number;
}

/**
 * Runs `playerctl` against the bus at `address` (never through the process's own session bus)
 * and resolves with its trimmed output, whatever the exit code.
 *
 * @example
 * ```ts
 * const { stdout } = await playerctl(bus.address, ['-p', 'backbeat.music', 'status']);
 * ```
 */
export function playerctl(address: string, args: readonly string[]): Promise<PlayerctlResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'playerctl',
      [...args],
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address }, timeout: 10_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({
          stdout: stdout.trim(),
          stderr: stderr.trim(),
          code: typeof error?.code === 'number' ? error.code : 0,
        });
      },
    );
  });
}
