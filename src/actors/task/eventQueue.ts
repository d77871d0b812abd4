/**
 * The order in which a task's player objects (MediaPlayer, MediaPlaybackList) raise their events
 * to the task's listeners. As in WinRT, an event is never raised inside the call that caused it:
 * it is queued and delivered on a microtask once the running code has returned, so a listener
 * added right after the call (`player.source = list; list.on('currentItemChanged', …)`) still
 * receives it. Events are delivered in the order they happened, across every object; an event
 * raised by a listener is delivered after the event being handled. The queue is shared by every
 * task of the realm (inline tasks share the foreground's), so each delivery keeps the fault scope
 * of the task that raised it.
 */

import { bindToFaultScope } from '../../faults.js';

const queue: Array<() => void> = [];
let scheduled = false;
// A resolved promise's `then` schedules the pass: Node wraps each `queueMicrotask` in an async
// resource, which costs more than a short pass itself.
const settled = Promise.resolve();
const schedule = () => {
  scheduled = true;
  void settled.then(drain);
};

function drain(): void {
  scheduled = false;
  // Deliveries queued by listeners join the same pass, after the one that raised them. The
  // queue is read by index and emptied once (`shift` would copy a long queue on every read).
  let i = 0;
  try {
    for (; i < queue.length; i++) (queue[i] as () => void)();
  } finally {
    // A delivery that threw (it reported its fault already) leaves the rest for a new pass.
    queue.splice(0, i + 1);
    if (queue.length > 0 && !scheduled) schedule();
  }
}

/** Queues `deliver` behind every event raised before it. */
export function raiseLater(deliver: () => void): void {
  queue.push(bindToFaultScope(deliver));
  if (!scheduled) schedule();
}
