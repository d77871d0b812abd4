/**
 * What the foreground's player proxy talks to: the task's MediaPlayer and its controls, over the
 * task's channel. Each call is carried out by the player method of the same name (the handlers
 * are made from the contract's command table). The player's events go out as they are raised,
 * each with the snapshot it left the player in when that changed, so the foreground hears of a
 * change before the call that caused it is answered: all of it in the same post.
 *
 * @packageDocumentation
 */
import {
  type DraftOf,
  type PlayerCommandName,
  type PlayerEventName,
  type PlayerSnapshot,
  playerCommandNames,
  playerEventNames,
  type TaskCalls,
} from '../../protocol.js';
import type { TaskChannel } from '../channel.js';
import type { MediaPlayer } from './mediaPlayer.js';
import { sameSnapshotIgnoringPosition } from './playerSnapshot.js';
import type { SystemMediaTransportControls } from './systemMediaTransportControls.js';

/** The task's side of the player: the call handlers, and the snapshot to send on demand. */
export interface PlayerRelay {
  /** What the task answers each call of the contract with. */
  readonly handlers: { [N in keyof TaskCalls]: (...args: Parameters<TaskCalls[N]>) => unknown };
  /** Sends the player's snapshot: when it changed since the last one sent, or always. */
  sendSnapshot(force: boolean): void;
}

/** Relays `player` and `controls` over `channel` (see the module's description). */
export function relayPlayer(
  channel: Pick<TaskChannel, 'send'>,
  player: MediaPlayer,
  controls: SystemMediaTransportControls,
): PlayerRelay {
  let lastSent: PlayerSnapshot | null = null;
  /** The snapshot if it changed since the last one sent (and remembers it), else undefined. */
  const changedSnapshot = (force: boolean): PlayerSnapshot | undefined => {
    const snapshot = player.getSnapshot();
    if (
      !force &&
      lastSent &&
      lastSent.position === snapshot.position &&
      sameSnapshotIgnoringPosition(lastSent, snapshot)
    ) {
      return undefined;
    }
    lastSent = snapshot;
    return snapshot;
  };
  const sendSnapshot = (force: boolean) => {
    const snapshot = changedSnapshot(force);
    if (snapshot) channel.send({ kind: 'snapshot', state: snapshot });
  };

  // Observed as raised, not as the task's listeners get them (on a later microtask).
  player._observe((name, payload) => {
    if (name === 'snapshotChanged') {
      sendSnapshot(false);
      return;
    }
    if (!isForwarded(name)) return;
    const snapshot = changedSnapshot(false);
    const event = { kind: 'event', name, payload: payload ?? {} } as DraftOf<'event'> & {
      snapshot?: PlayerSnapshot;
    };
    if (snapshot) event.snapshot = snapshot;
    channel.send(event);
  });
  controls.on('stateChanged', (state) => {
    channel.send({ kind: 'event', name: 'controls.stateChanged', payload: state });
  });
  channel.send({ kind: 'event', name: 'controls.stateChanged', payload: controls.getState() });

  const commands = {} as Record<PlayerCommandName, (...args: unknown[]) => void>;
  for (const name of playerCommandNames) {
    const method = player[name] as (...args: unknown[]) => void;
    commands[name] = (...args) => method.apply(player, args);
  }
  return {
    handlers: {
      ...(commands as PlayerRelay['handlers']),
      // The controls check the request themselves: it comes from outside the app.
      deliverControls: (request) => controls.deliver(request as never),
    },
    sendSnapshot,
  };
}

const isForwarded = (name: string): name is PlayerEventName =>
  (playerEventNames as readonly string[]).includes(name);
