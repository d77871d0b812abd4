import type { MessageBus } from 'dbus-next';
import type { Clock } from '../../../clock.js';
import { claimBusName, closeSessionBus, connectSessionBus, releaseBusName } from './bus.js';
import { MPRIS_OBJECT_PATH } from './names.js';
import {
  type MprisPlayerHost,
  MprisPlayerInterface,
  type MprisRateBounds,
  MprisRootInterface,
} from './player.js';

/** Everything needed to put one player on the session bus. */
interface MprisSessionOptions {
  readonly address: string;
  readonly busName: string;
  readonly identity: string;
  readonly host: MprisPlayerHost;
  readonly rates: MprisRateBounds;
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** Called once if the connection fails after the player was published. */
  readonly onLost: (error: unknown) => void;
}

/** One player published on the session bus: its own connection, object and bus name. */
export interface MprisSession {
  /** The exported player interface (emit `PropertiesChanged` and `Seeked` on it). */
  readonly player: MprisPlayerInterface;
  /** False once closed or lost. */
  readonly open: boolean;
  /** Releases the bus name, removes the object and closes the connection. */
  close(): Promise<void>;
}

/**
 * Connects to the session bus, exports the MPRIS object and claims `busName`, in that order, so
 * a client that sees the name appear finds the player there.
 *
 * @throws Error when the bus cannot be reached in time or the name is owned by someone else
 * (the connection is closed first).
 */
export async function openMprisSession(options: MprisSessionOptions): Promise<MprisSession> {
  const { clock, timeoutMs, busName } = options;
  const bus: MessageBus = await connectSessionBus(options.address, { clock, timeoutMs });
  const root = new MprisRootInterface(options.identity);
  const player = new MprisPlayerInterface(options.host, options.rates);
  let open = true;
  let closing: Promise<void> | null = null;

  bus.export(MPRIS_OBJECT_PATH, root);
  bus.export(MPRIS_OBJECT_PATH, player);

  const close = (): Promise<void> => {
    closing ??= (async () => {
      const wasOpen = open;
      open = false;
      if (wasOpen) await releaseBusName(bus, busName, clock, timeoutMs);
      // Without an interface, unexport removes the whole object (both interfaces).
      (bus as unknown as { unexport(path: string): void }).unexport(MPRIS_OBJECT_PATH);
      closeSessionBus(bus);
    })();
    return closing;
  };

  try {
    if (!(await claimBusName(bus, busName, clock, timeoutMs))) {
      throw new Error(`the bus name \`${busName}\` is owned by another player`);
    }
  } catch (error) {
    open = false;
    await close();
    throw error;
  }

  bus.on('error', (error: unknown) => {
    if (!open) return;
    open = false;
    void close();
    options.onLost(error);
  });

  return {
    player,
    get open() {
      return open;
    },
    close,
  };
}
