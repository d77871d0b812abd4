// Non-interactive mode (standard input or output is not a terminal): every event as a plain
// line, the whole playlist once, exit 0 at its end. A hard time limit keeps it from hanging.
// With --inspect the inspector stays up after the playback until a signal ends the player.
import { startSession } from './session.mjs';
import { formatEventLine } from './ui.mjs';

/** Grace for shutting everything down once the outcome is known. */
const CLOSE_LIMIT_MS = 8_000;

/**
 * Plays the tracks without a terminal UI and exits with the outcome: 0 at the end of the
 * playlist, 1 when the task ended early, nothing could be played or the time limit passed.
 * With an `inspector` (--inspect) the media system reports to it, and once the playback is
 * over (and shut down) the player waits for SIGINT or SIGTERM before it closes the inspector
 * and exits with that outcome; a signal during the playback ends it at once (exit 130).
 *
 * @example
 * await runPlain({ tracks, options, exitWith: (code) => process.exit(code), say: console.log });
 */
export async function runPlain({ tracks, options, inspector = null, exitWith, say }) {
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
    inspect: inspector?.inspect,
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
  const tooLong = setTimeout(() => exitWith(1, 'shutting down took too long'), CLOSE_LIMIT_MS);
  tooLong.unref();
  await session.close();
  clearTimeout(tooLong);
  const failed = session.stats.failedUris.size;
  say(
    formatEventLine({
      at: session.elapsed,
      text: `done: ${session.stats.tracksStarted} track(s) started, ${failed} failed`,
    }),
  );
  if (inspector && outcome.code !== 130) {
    // The playback is over; the recording stays readable until the user ends the player.
    if (outcome.message) process.stderr.write(`backbeat-play: ${outcome.message}\n`);
    const what = outcome.code === 0 ? 'playlist ended' : 'playback stopped';
    say(`${what}; inspector still open at ${inspector.url} — press Ctrl-C to quit`);
    await interrupted;
    await closeQuietly(inspector);
    exitWith(outcome.code);
  }
  if (inspector) await closeQuietly(inspector);
  exitWith(outcome.code, outcome.message);
}

/** Closes the inspector, giving up after a moment (the player is exiting anyway). */
function closeQuietly(inspector) {
  return Promise.race([
    inspector.close().catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
  ]);
}
