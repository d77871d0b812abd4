import { type AnyActorRef, type EventObject, fromCallback } from 'xstate';

/** Input of {@link emittedRelay}: the actors to listen to, by system id, and their prefix. */
export interface EmittedRelayInput {
  sources: ReadonlyArray<{ systemId: string; prefix: string }>;
}

/**
 * Hands what sibling actors emit to the parent as events: `prefix.type`, with the emitted
 * event's fields. Machines emit their commands (so they can be used on their own); the machine
 * that spawned them hears those commands through this relay.
 */
export const emittedRelay = fromCallback<EventObject, EmittedRelayInput>(
  ({ input, system, sendBack }) => {
    const subscriptions = input.sources.map(({ systemId, prefix }) => {
      const ref = system.get(systemId) as AnyActorRef | undefined;
      return ref?.on('*', (event: EventObject) => {
        sendBack({ ...event, type: `${prefix}.${event.type}` });
      });
    });
    return () => {
      for (const subscription of subscriptions) subscription?.unsubscribe();
    };
  },
);
