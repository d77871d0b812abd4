// Non-interactive mode (standard input or output is not a terminal): every event as a plain
// line, the whole playlist once, exit 0 at its end. A hard time limit keeps it from hanging.
import { startSession } from './session.mjs';
import { formatEventLine } from './ui.mjs';

/** Grace for shutting everything down once the outcome is known. */
const CLOSE_LIMIT_MS = 8_000;

/**
 * Plays the tracks without a terminal UI and exits with the outcome: 0 at the end of the
 * playlist, 1 when the task ended early, nothing could be played or the time limit passed.
 *
 * @example
 * await runPlain({ tracks, options, exitWith: (code) => process.exit(code), say: console.log });
 */
export async function runPlain({ tracks, options, exitWith, say }) {
  say(
    `backbeat-play: ${tracks.length} track(s), device ${options.device}, ${options.host} host, sink ${options.sink}`,
  );
  let deadline;
  const timedOut = new Promise((resolve) => {
    deadline = setTimeout(
      () => resolve({ code: 1, message: `gave up after ${options.timeoutSeconds} s (--timeout)` }),
      options.timeoutSeconds * 1000,
    );
  });
  const session = await startSession({
    tracks,
    options: { ...options, unicode: false },
    onEvent: (event) => say(formatEventLine(event)),
  });
  const interrupted = new Promise((resolve) => {
    const onSignal = (signal) => resolve({ code: 130, message: `stopped by ${signal}` });
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('SIGHUP', onSignal);
  });

  const outcome = await Promise.race([
    interrupted,
    session.ended.then(() => {
      const unique = new Set(tracks.map((t) => t.uri)).size;
      return session.stats.failedUris.size >= unique
        ? { code: 1, message: 'nothing could be played' }
        : { code: 0 };
    }),
    session.taskGone.then(({ state, reason }) => ({
      code: 1,
      message: `the background task ${state}${reason ? ` (${reason})` : ''} before the end of the playlist`,
    })),
    timedOut,
  ]);
  clearTimeout(deadline);
  setTimeout(() => exitWith(1, 'shutting down took too long'), CLOSE_LIMIT_MS).unref();
  await session.close();
  const failed = session.stats.failedUris.size;
  say(
    formatEventLine({
      at: session.elapsed,
      text: `done: ${session.stats.tracksStarted} track(s) started, ${failed} failed`,
    }),
  );
  exitWith(outcome.code, outcome.message);
}
