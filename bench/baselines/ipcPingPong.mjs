// Baseline for rtt.call.process: a raw child_process IPC ping-pong with a call-shaped payload,
// over the same channel the process host uses (`fork` with `serialization: 'advanced'`).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const echoChild = fileURLToPath(new URL('../fixtures/echoChild.mjs', import.meta.url));

/**
 * Forks an echo child. `call(x)` sends `{ id, method, args }` and resolves with the echo; the
 * child's exit rejects a waiting call instead of leaving it hanging.
 *
 * @example
 * const echo = await startIpcEcho();
 * await echo.call(0.5);
 * await echo.close();
 */
export async function startIpcEcho() {
  const child = fork(echoChild, [], { serialization: 'advanced', stdio: 'ignore' });
  let waiter = null;
  let failure = null;
  child.on('message', (message) => {
    const w = waiter;
    waiter = null;
    w?.resolve(message);
  });
  child.on('exit', (code, signal) => {
    failure = new Error(`echo child exited (${signal ?? code})`);
    waiter?.reject(failure);
    waiter = null;
  });
  let id = 0;
  const call = (x) => {
    if (failure) return Promise.reject(failure);
    const reply = new Promise((resolve, reject) => {
      waiter = { resolve, reject };
    });
    child.send({ id: id++, method: 'setVolume', args: [x] });
    return reply;
  };
  await call(0);
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await gone;
  };
  return { call, close };
}
