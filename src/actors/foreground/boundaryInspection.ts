/**
 * What crosses a task boundary, as inspection events: when the system is inspected, every
 * envelope the foreground sends to a task (calls, messages, commands) or accepts from it
 * (results, player events, messages, lifecycle notices, checkpoints) becomes an
 * `@xstate.event` between the app's session actor (`app:ID`) and a stand-in for the task
 * instance (`INSTANCE`, e.g. `music#1.1`), so an inspector's sequence view shows the two sides
 * talking. Heartbeats, snapshots and inspection records themselves are left out.
 *
 * The task instance is announced with an `@xstate.actor` first, as a child of the app's
 * session; its snapshot says whether the instance is live.
 *
 * @packageDocumentation
 */
import type { AnyActorRef, AnyEventObject, InspectionEvent } from 'xstate';
import type { Envelope } from '../../protocol.js';
import type { TaskActorOrigin } from './taskActors.js';

/** A boundary event's type: what kind of envelope it was, and its name. */
function boundaryEvent(envelope: Envelope, calls: Map<number, string>): AnyEventObject | null {
  switch (envelope.kind) {
    case 'call':
      calls.set(envelope.id, envelope.name);
      return { type: `call.${envelope.name}`, args: envelope.args };
    case 'result': {
      const name = calls.get(envelope.id) ?? 'unknown';
      calls.delete(envelope.id);
      return envelope.ok
        ? { type: `result.${name}`, value: envelope.value }
        : { type: `result.${name}`, error: envelope.error };
    }
    case 'message':
      return { type: 'message', data: envelope.data };
    case 'event':
      return { type: `event.${envelope.name}`, payload: envelope.payload };
    case 'lifecycle':
      return { ...envelope.notice, type: `lifecycle.${envelope.notice.type}` };
    case 'control':
      return { ...envelope.command, type: `control.${envelope.command.type}` };
    case 'checkpoint':
      return { type: 'checkpoint', state: envelope.state };
    default:
      return null;
  }
}

/**
 * The stand-in of a whole task instance: the far end of the boundary events. Like the
 * stand-ins of the task's actors it carries what inspectors read, and `origin`.
 */
class TaskInstanceRef {
  readonly sessionId: string;
  readonly id: string;
  readonly _parent: AnyActorRef | undefined;
  readonly origin: TaskActorOrigin;
  #status: 'active' | 'stopped' = 'active';

  constructor(origin: TaskActorOrigin, parent: AnyActorRef | undefined) {
    this.sessionId = `${origin.instanceId}/instance`;
    this.id = origin.instanceId;
    this._parent = parent;
    this.origin = origin;
  }

  getSnapshot(): { status: 'active' | 'stopped'; value: string; context: object } {
    return {
      status: this.#status,
      value: this.#status === 'active' ? 'live' : 'ended',
      context: { appId: this.origin.appId, instanceId: this.origin.instanceId },
    };
  }

  _stop(): void {
    this.#status = 'stopped';
  }

  toJSON(): { xstate$$type: 1; id: string } {
    return { xstate$$type: 1, id: this.id };
  }
}

/** The boundary of one task instance, seen by the inspector. */
export interface BoundaryInspection {
  /** The channel's `onEnvelope` observer. */
  readonly onEnvelope: (direction: 'sent' | 'received', envelope: Envelope) => void;
  /** The instance is gone: its stand-in's last snapshot says so. */
  end(reason: string): void;
}

/**
 * Starts showing the boundary of one task instance to `inspect`. `session` is the app's
 * session actor (the near end), when the system has one for the app.
 */
export function inspectBoundary(options: {
  appId: string;
  instanceId: string;
  session: AnyActorRef | undefined;
  inspect: (event: InspectionEvent) => void;
}): BoundaryInspection {
  const origin: TaskActorOrigin = {
    side: 'task',
    appId: options.appId,
    instanceId: options.instanceId,
  };
  const near = options.session;
  const far = new TaskInstanceRef(origin, near);
  let root: AnyActorRef | undefined = near;
  while (root?._parent) root = root._parent;
  const rootId = root?.sessionId ?? far.sessionId;
  const calls = new Map<number, string>();
  let ended = false;
  const emit = (event: InspectionEvent) => {
    try {
      options.inspect(event);
    } catch {
      // an inspector that throws must not break the boundary it watches
    }
  };
  emit({ type: '@xstate.actor', actorRef: far as unknown as AnyActorRef, rootId });
  return {
    onEnvelope(direction, envelope) {
      if (ended) return;
      const event = boundaryEvent(envelope, calls);
      if (!event) return;
      const farRef = far as unknown as AnyActorRef;
      const [target, source] = direction === 'sent' ? [farRef, near] : [near ?? farRef, farRef];
      emit({ type: '@xstate.event', actorRef: target, sourceRef: source, event, rootId });
    },
    end(reason) {
      if (ended) return;
      ended = true;
      far._stop();
      emit({
        type: '@xstate.snapshot',
        actorRef: far as unknown as AnyActorRef,
        rootId,
        event: { type: 'backbeat.taskEnded', reason },
        snapshot: far.getSnapshot() as never,
      });
    },
  };
}
