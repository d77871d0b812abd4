import { MessageBufferOverflowError } from '../errors.js';

/**
 * Holds messages that arrived before anyone listens, in arrival order, up to `limit`.
 * A message that does not fit is refused with {@link MessageBufferOverflowError}: the caller
 * reports it; nothing is ever dropped silently.
 */
export class MessageBuffer<T> {
  readonly #items: T[] = [];
  readonly #limit: number;
  readonly #direction: string;

  constructor(direction: string, limit: number) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(
        `Message buffer limit must be an integer >= 0, got \`${String(limit)}\``,
      );
    }
    this.#direction = direction;
    this.#limit = limit;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Queues `item`, or throws MessageBufferOverflowError when the buffer is full. */
  push(item: T): void {
    if (this.#items.length >= this.#limit) {
      throw new MessageBufferOverflowError(this.#direction, this.#limit);
    }
    this.#items.push(item);
  }

  /** Removes and returns everything queued, oldest first. */
  drain(): T[] {
    return this.#items.splice(0, this.#items.length);
  }
}
