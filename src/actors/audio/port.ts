/**
 * The end of a message channel the audio bridge talks over: a `MessagePort` (from a
 * `MessageChannel`, one end on the page and one transferred into the task's worker), or anything
 * shaped like one.
 */
export interface AudioPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** Called once the listener is added (a `MessagePort` delivers nothing before it). */
  start?(): void;
  close?(): void;
}

/** A description of a bad port, for the TypeError that refuses it. */
export function checkPort(port: unknown, who: string): AudioPort {
  const p = port as Partial<AudioPort> | null;
  if (
    !p ||
    typeof p.postMessage !== 'function' ||
    typeof p.addEventListener !== 'function' ||
    typeof p.removeEventListener !== 'function'
  ) {
    throw new TypeError(
      `${who} needs a MessagePort (postMessage, addEventListener), got \`${String(port)}\``,
    );
  }
  return p as AudioPort;
}
