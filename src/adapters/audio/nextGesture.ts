/**
 * Waiting for the page's next user gesture, the moment a browser lets held-back sound play: the
 * page engines arm it while they are `suspended` and resume when it fires.
 *
 * @packageDocumentation
 */

/** The events a browser counts as the user's activation of the page. */
const GESTURES = ['pointerdown', 'keydown'] as const;

/** Calls `onGesture` on each of the page's next gestures while armed (capture phase). */
export class NextGesture {
  #armed = false;
  readonly #listener: () => void;

  constructor(onGesture: () => void) {
    this.#listener = () => onGesture();
  }

  /** Starts listening; does nothing when armed already or where there is no page (a worker). */
  arm(): void {
    if (this.#armed || typeof addEventListener !== 'function') return;
    this.#armed = true;
    for (const type of GESTURES) addEventListener(type, this.#listener, { capture: true });
  }

  /** Stops listening. */
  disarm(): void {
    if (!this.#armed) return;
    this.#armed = false;
    for (const type of GESTURES) removeEventListener(type, this.#listener, { capture: true });
  }
}
