/**
 * Heartbeat watchdog: the foreground pings the task every `intervalMs`; the task's event loop
 * answers each ping with a pong. If the oldest unanswered ping is `timeoutMs` old, the task is
 * unresponsive (a busy loop cannot answer) and the host terminates it. All timing goes through
 * an injected {@link Clock}, so tests drive it with a `VirtualClock`.
 *
 * @packageDocumentation
 */
import { reportLater } from '../../adapters/transport/exit.js';
import type { TaskHost } from '../../adapters/transport/types.js';
import type { Clock } from '../../clock.js';
import type { EnvelopeChannel } from '../channel.js';

/** What {@link createWatchdog} reports when the task stopped answering. */
export interface UnresponsiveInfo {
  /** The oldest ping left unanswered. */
  readonly n: number;
  /** How long it has waited, in clock milliseconds. */
  readonly waitedMs: number;
}

/** Options of {@link createWatchdog}. */
export interface WatchdogOptions {
  clock: Clock;
  /** Time between pings. */
  intervalMs: number;
  /** How long a ping may stay unanswered. */
  timeoutMs: number;
  /** Sends ping number `n` (1, 2, 3, …). */
  ping(n: number): void;
  /** Called once when a ping went unanswered for `timeoutMs`; the watchdog then stops. */
  onUnresponsive(info: UnresponsiveInfo): void;
}

/** State of a {@link Watchdog}. */
export type WatchdogState = 'idle' | 'watching' | 'unresponsive' | 'stopped';

/** A heartbeat watchdog (see {@link createWatchdog}). */
export interface Watchdog {
  readonly state: WatchdogState;
  /** Number of the last ping sent (0 before the first). */
  readonly lastPing: number;
  /** Pings that are still unanswered. */
  readonly outstanding: number;
  /** Sends the first ping now and one every `intervalMs` after it. */
  start(): void;
  /** Feeds a pong: it answers ping `n` and every earlier one. */
  pong(n: number): void;
  /** Stops pinging and watching; final. */
  stop(): void;
}

const checkMs = (name: string, value: number) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`Watchdog ${name} must be a finite number > 0, got \`${String(value)}\``);
  }
};

/**
 * Creates a heartbeat watchdog: pure logic on a clock, with sending and reacting injected.
 */
export function createWatchdog(options: WatchdogOptions): Watchdog {
  const { clock, intervalMs, timeoutMs } = options;
  checkMs('intervalMs', intervalMs);
  checkMs('timeoutMs', timeoutMs);
  let state: WatchdogState = 'idle';
  let lastPing = 0;
  /** Send time of every unanswered ping, oldest first. */
  const sentAt = new Map<number, number>();
  let tickTimer: unknown;
  let deadlineTimer: unknown;

  const clearTimers = () => {
    if (tickTimer !== undefined) clock.clearTimeout(tickTimer);
    if (deadlineTimer !== undefined) clock.clearTimeout(deadlineTimer);
    tickTimer = undefined;
    deadlineTimer = undefined;
  };

  const armDeadline = () => {
    if (deadlineTimer !== undefined) clock.clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    const oldest = sentAt.entries().next();
    if (oldest.done) return;
    const [n, at] = oldest.value;
    deadlineTimer = clock.setTimeout(
      () => {
        deadlineTimer = undefined;
        if (state !== 'watching') return;
        state = 'unresponsive';
        clearTimers();
        options.onUnresponsive({ n, waitedMs: clock.now() - at });
      },
      at + timeoutMs - clock.now(),
    );
  };

  const tick = () => {
    tickTimer = undefined;
    if (state !== 'watching') return;
    const n = ++lastPing;
    sentAt.set(n, clock.now());
    if (sentAt.size === 1) armDeadline();
    tickTimer = clock.setTimeout(tick, intervalMs);
    try {
      options.ping(n);
    } catch (error) {
      state = 'stopped';
      clearTimers();
      reportLater(error);
    }
  };

  return {
    get state() {
      return state;
    },
    get lastPing() {
      return lastPing;
    },
    get outstanding() {
      return sentAt.size;
    },
    start() {
      if (state !== 'idle') {
        throw new TypeError(`Watchdog.start expects state 'idle', got \`${state}\``);
      }
      state = 'watching';
      tick();
    },
    pong(n) {
      if (state !== 'watching' || !Number.isInteger(n)) return;
      const before = sentAt.size;
      for (const key of [...sentAt.keys()]) if (key <= n) sentAt.delete(key);
      if (sentAt.size !== before) armDeadline();
    },
    stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      clearTimers();
      sentAt.clear();
    },
  };
}

/** Options of {@link superviseHeartbeat}. */
export interface SuperviseHeartbeatOptions {
  channel: Pick<EnvelopeChannel, 'send' | 'on'>;
  host: Pick<TaskHost, 'onExit' | 'terminate'>;
  clock: Clock;
  intervalMs: number;
  timeoutMs: number;
  /** Told before the host terminates the task (reason `'unresponsive'`). */
  onUnresponsive?: (info: UnresponsiveInfo) => void;
}

/**
 * Wires a {@link createWatchdog} to a foreground channel and its host: pings go out as
 * `heartbeat` envelopes, pongs feed the watchdog, an unresponsive task is terminated with
 * reason `'unresponsive'`, and the watchdog stops when the host exits. Returns the started
 * watchdog; `stop()` also detaches it.
 */
export function superviseHeartbeat(options: SuperviseHeartbeatOptions): Watchdog {
  const { channel, host } = options;
  const dog = createWatchdog({
    clock: options.clock,
    intervalMs: options.intervalMs,
    timeoutMs: options.timeoutMs,
    ping: (n) => channel.send({ kind: 'heartbeat', beat: 'ping', n }),
    onUnresponsive: (info) => {
      detach();
      options.onUnresponsive?.(info);
      host.terminate('unresponsive').catch(reportLater);
    },
  });
  const offPong = channel.on('heartbeat', (beat) => {
    if (beat.beat === 'pong') dog.pong(beat.n);
  });
  const offExit = host.onExit(() => {
    detach();
    dog.stop();
  });
  const detach = () => {
    offPong();
    offExit();
  };
  dog.start();
  return {
    get state() {
      return dog.state;
    },
    get lastPing() {
      return dog.lastPing;
    },
    get outstanding() {
      return dog.outstanding;
    },
    start: () => dog.start(),
    pong: (n) => dog.pong(n),
    stop() {
      detach();
      dog.stop();
    },
  };
}
