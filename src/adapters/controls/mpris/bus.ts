import type { MessageBus } from 'dbus-next';
import * as dbus from 'dbus-next';
import type { Clock } from '../../../clock.js';

/**
 * The session bus address from `DBUS_SESSION_BUS_ADDRESS`, or `null` when it is unset or blank
 * (then there is no session bus to publish on).
 *
 * @example
 * ```ts
 * sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' });
 * sessionBusAddress({}); // null
 * ```
 */
export function sessionBusAddress(env: NodeJS.ProcessEnv = process.env): string | null {
  const address = env.DBUS_SESSION_BUS_ADDRESS?.trim();
  return address ? address : null;
}

/**
 * Rewrites `unix:path=PATH` entries into dbus-next's `unix:socket=PATH`, which it opens with
 * Node's own sockets, so a path connection never depends on the optional native `usocket`
 * module (present on some machines and not others). `%XX` escapes in the path are decoded.
 * Other entries, abstract sockets among them, are left to dbus-next.
 *
 * @example
 * ```ts
 * connectableAddress('unix:path=/run/user/1000/bus,guid=1'); // 'unix:socket=/run/user/1000/bus'
 * ```
 */
export function connectableAddress(address: string): string {
  return address
    .split(';')
    .map((entry) => {
      const match = /^unix:(.*)$/.exec(entry);
      const path = match?.[1]?.split(',').find((param) => param.startsWith('path='));
      if (!path) return entry;
      return `unix:socket=${decodeURIComponent(path.slice('path='.length))}`;
    })
    .join(';');
}

function reason(error: unknown, address: string): string {
  if (
    /(^|;)unix:abstract=/.test(address) &&
    (error as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND'
  ) {
    return 'abstract socket addresses need the optional `usocket` module';
  }
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/**
 * Settles like `promise`, or rejects after `ms` milliseconds on `clock` saying what timed out.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  clock: Clock,
  ms: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      reject(new Error(`${what} timed out after ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Makes a call on `bus` and settles with it, or rejects when the connection reports an error
 * first (a call on a closed connection is never answered) or after `ms` milliseconds.
 */
function busCall<T>(
  bus: MessageBus,
  call: () => Promise<T>,
  clock: Clock,
  ms: number,
  what: string,
): Promise<T> {
  let onError: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    onError = (error) => reject(new Error(`${what} failed: ${reason(error, '')}`));
    bus.on('error', onError);
  });
  let answer: Promise<T>;
  try {
    answer = call();
  } catch (error) {
    answer = Promise.reject(error);
  }
  return withTimeout(Promise.race([answer, failed]), clock, ms, what).finally(() => {
    bus.removeListener('error', onError);
  });
}

/** How to connect: the clock and time budget for the handshake. */
interface ConnectOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
}

/**
 * Connects to the session bus at `address` and resolves once the bus has greeted the connection.
 * A connection error or no greeting within `timeoutMs` rejects with an Error quoting the address;
 * the half-open connection is closed first. The returned bus keeps a listener for `error`, so a
 * later failure never crashes the process: listen for `error` yourself to hear about it.
 */
export async function connectSessionBus(
  address: string,
  { clock, timeoutMs }: ConnectOptions,
): Promise<MessageBus> {
  let bus: MessageBus;
  try {
    bus = dbus.sessionBus({ busAddress: connectableAddress(address) });
  } catch (error) {
    throw new Error(
      `cannot connect to the D-Bus session bus at \`${address}\`: ${reason(error, address)}`,
    );
  }
  bus.on('error', () => {});
  const greeted = new Promise<void>((resolve, reject) => {
    bus.once('connect', () => resolve());
    bus.once('error', (error: unknown) => reject(error));
  });
  try {
    await withTimeout(greeted, clock, timeoutMs, 'the handshake');
  } catch (error) {
    closeSessionBus(bus);
    throw new Error(
      `cannot connect to the D-Bus session bus at \`${address}\`: ${reason(error, address)}`,
    );
  }
  return bus;
}

/**
 * Asks for `name` without queueing behind another owner. Resolves `true` when the connection is
 * now the primary owner, `false` when someone else owns the name.
 */
export async function claimBusName(
  bus: MessageBus,
  name: string,
  clock: Clock,
  timeoutMs: number,
): Promise<boolean> {
  const reply = await busCall(
    bus,
    () => bus.requestName(name, dbus.NameFlag.DO_NOT_QUEUE),
    clock,
    timeoutMs,
    `requesting the bus name \`${name}\``,
  );
  return (
    reply === dbus.RequestNameReply.PRIMARY_OWNER || reply === dbus.RequestNameReply.ALREADY_OWNER
  );
}

/**
 * Gives `name` back to the bus. Never rejects: a connection that is already gone has lost the
 * name anyway.
 */
export async function releaseBusName(
  bus: MessageBus,
  name: string,
  clock: Clock,
  timeoutMs: number,
): Promise<void> {
  try {
    await busCall(bus, () => bus.releaseName(name), clock, timeoutMs, `releasing \`${name}\``);
  } catch {
    // The connection is closing or closed; the bus drops its names with it.
  }
}

/**
 * Closes a bus connection. Calling it again does nothing.
 */
export function closeSessionBus(bus: MessageBus): void {
  try {
    bus.disconnect();
  } catch {
    // Already closed.
  }
}
