/**
 * Foreground-side inspection of a task's actors: the {@link InspectRecord}s a task sends over
 * the channel become xstate inspection events again, with stand-in actor refs, so one `inspect`
 * observer (for example `@statelyai/inspect`'s) sees the foreground's statecharts and the
 * task's in one tree of sessions.
 *
 * @packageDocumentation
 */
import type { AnyEventObject, AnyStateMachine, InspectionEvent, Snapshot } from 'xstate';
import { InvalidOperationError } from '../../errors.js';
import { mediaPlayerMachine } from '../../machines/mediaPlayer.js';
import { playbackListMachine } from '../../machines/playbackList.js';
import { fromSnapshotValue, type InspectRecord, type MachineDefinition } from '../../protocol.js';

/**
 * Backbeat's own task-side machines, by machine id: a stand-in's `logic`, which
 * `@statelyai/inspect` draws from `logic.config` (Backbeat's inspector uses `definition`).
 */
const knownMachines: ReadonlyMap<string, AnyStateMachine> = new Map<string, AnyStateMachine>([
  [mediaPlayerMachine.id, mediaPlayerMachine],
  [playbackListMachine.id, playbackListMachine],
]);

/** Where a {@link TaskActorRef} lives. */
export interface TaskActorOrigin {
  side: 'task';
  appId: string;
  instanceId: string;
}

/**
 * A stand-in, in the foreground, for an actor that runs in a background task. It carries what
 * inspectors read — `sessionId`, `id`, `_parent`, `logic` (for Backbeat's own machines),
 * `getSnapshot()` — and `origin`, `machine` and `definition` (the statechart as plain data, as
 * the task sent it). It cannot be sent events: the actor is in another realm.
 *
 * @example
 * ```ts
 * createMediaSystem({
 *   inspect: (e) => {
 *     const origin = (e.actorRef as Partial<TaskActorRef>).origin;
 *     if (origin) console.log('task actor', origin.instanceId, e.actorRef.sessionId);
 *   },
 * });
 * ```
 */
export class TaskActorRef {
  /** `INSTANCE/SESSION`: the task-side session id prefixed with the task instance id. */
  readonly sessionId: string;
  /** A readable name: `INSTANCE/mediaPlayer`, `INSTANCE/playbackList`, or the actor's id. */
  id: string;
  /** The stand-in of the parent actor, for child actors. */
  _parent: TaskActorRef | undefined;
  /** The machine, when it is one of Backbeat's own (inspectors draw it from `logic.config`). */
  logic: AnyStateMachine | undefined;
  /** The id of the machine the actor runs, when it runs one. */
  machine: string | undefined;
  /** The actor's machine as plain data, when it runs one the task could describe. */
  definition: MachineDefinition | undefined;
  readonly origin: TaskActorOrigin;
  #snapshot: Snapshot<unknown> | undefined;

  /** @internal */
  constructor(sessionId: string, origin: TaskActorOrigin) {
    this.sessionId = sessionId;
    this.id = sessionId;
    this._parent = undefined;
    this.logic = undefined;
    this.machine = undefined;
    this.definition = undefined;
    this.origin = origin;
  }

  /** The last snapshot the task reported (`undefined` before the first). */
  getSnapshot(): any {
    return this.#snapshot;
  }

  /** @internal */
  _setSnapshot(snapshot: unknown): void {
    if (snapshot && typeof snapshot === 'object') this.#snapshot = snapshot as Snapshot<unknown>;
  }

  /** Always throws: a task-side actor cannot be reached from the foreground. */
  send(event: AnyEventObject): void {
    throw new InvalidOperationError(
      `Actor ${this.sessionId} runs in background task ${this.origin.instanceId} and is only seen through inspection; it cannot receive \`${String(event?.type)}\` from the foreground`,
    );
  }

  toJSON(): { xstate$$type: 1; id: string } {
    return { xstate$$type: 1, id: this.id };
  }
}

/** Turns the records of one task instance into inspection events. */
export interface TaskInspectionRelay {
  /** One record from the task. */
  receive(record: InspectRecord): void;
  /**
   * The task instance is gone: every actor still active gets a last `@xstate.snapshot` with
   * status `stopped` (event `backbeat.taskEnded`), since the task could not say so itself.
   */
  end(reason: string): void;
}

function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}

/**
 * Creates the relay of one task instance. Session ids are prefixed with the instance id, so
 * they never collide with the foreground's or another task's.
 */
export function createTaskInspectionRelay(options: {
  appId: string;
  instanceId: string;
  inspect: (event: InspectionEvent) => void;
}): TaskInspectionRelay {
  const origin: TaskActorOrigin = {
    side: 'task',
    appId: options.appId,
    instanceId: options.instanceId,
  };
  const refs = new Map<string, TaskActorRef>();
  // Definitions by machine id: the task sends each once, with the first actor running it.
  const definitions = new Map<string, MachineDefinition>();
  const stopped = new Set<string>();
  let ended = false;
  const qualify = (sessionId: string) => `${options.instanceId}/${sessionId}`;
  const refOf = (sessionId: string): TaskActorRef => {
    const key = qualify(sessionId);
    let ref = refs.get(key);
    if (!ref) {
      ref = new TaskActorRef(key, origin);
      refs.set(key, ref);
    }
    return ref;
  };
  const emit = (event: InspectionEvent) => {
    try {
      options.inspect(event);
    } catch (error) {
      reportLater(error);
    }
  };

  return {
    receive(wire) {
      if (ended) return;
      const actorRef = refOf(wire.sessionId);
      // A snapshot may carry only the context keys that changed since the actor's last one.
      const record =
        wire.snapshot === undefined
          ? wire
          : { ...wire, snapshot: fromSnapshotValue(actorRef.getSnapshot(), wire.snapshot) };
      const rootId = qualify(record.rootId);
      const event = (record.event ?? { type: '' }) as AnyEventObject;
      switch (record.type) {
        case '@xstate.actor':
          actorRef.id = `${options.instanceId}/${record.name ?? record.sessionId}`;
          if (record.parentId !== undefined) actorRef._parent = refOf(record.parentId);
          if (record.machine !== undefined) {
            if (record.definition && !definitions.has(record.machine))
              definitions.set(record.machine, record.definition);
            actorRef.machine = record.machine;
            actorRef.definition = definitions.get(record.machine);
          }
          actorRef.logic =
            record.machine === undefined ? undefined : knownMachines.get(record.machine);
          actorRef._setSnapshot(record.snapshot);
          emit({ type: '@xstate.actor', actorRef, rootId });
          break;
        case '@xstate.event':
          emit({
            type: '@xstate.event',
            actorRef,
            rootId,
            event,
            sourceRef: record.sourceId === undefined ? undefined : refOf(record.sourceId),
          });
          break;
        case '@xstate.action':
          emit({
            type: '@xstate.action',
            actorRef,
            rootId,
            action: (record.action ?? { type: '', params: undefined }) as {
              type: string;
              params: unknown;
            },
          });
          break;
        case '@xstate.microstep':
          actorRef._setSnapshot(record.snapshot);
          emit({
            type: '@xstate.microstep',
            actorRef,
            rootId,
            event,
            snapshot: record.snapshot as Snapshot<unknown>,
            _transitions: [],
          });
          break;
        default: {
          actorRef._setSnapshot(record.snapshot);
          const status = (record.snapshot as { status?: string } | undefined)?.status;
          if (status !== undefined && status !== 'active') stopped.add(actorRef.sessionId);
          emit({
            type: record.type,
            actorRef,
            rootId,
            event,
            snapshot: record.snapshot as Snapshot<unknown>,
          });
        }
      }
    },
    end(reason) {
      if (ended) return;
      ended = true;
      for (const actorRef of refs.values()) {
        const last = actorRef.getSnapshot() as Record<string, unknown> | undefined;
        if (!last || stopped.has(actorRef.sessionId)) continue;
        const snapshot = { ...last, status: 'stopped' } as unknown as Snapshot<unknown>;
        actorRef._setSnapshot(snapshot);
        let root: TaskActorRef = actorRef;
        while (root._parent) root = root._parent;
        emit({
          type: '@xstate.snapshot',
          actorRef,
          rootId: root.sessionId,
          event: { type: 'backbeat.taskEnded', reason },
          snapshot,
        });
      }
    },
  };
}
