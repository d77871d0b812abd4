import * as Comlink from 'comlink';
import { reviveError, type SerializedError, serializeError } from '../../protocol.js';

/** How a thrown value crosses: errors in wire form, anything else as itself. */
type ThrownWire = { isError: true; value: SerializedError } | { isError: false; value: unknown };

const isErrorLike = (value: unknown): boolean =>
  value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';

let ours: Comlink.TransferHandler<unknown, ThrownWire> | undefined;
let isThrown: ((value: unknown) => boolean) | undefined;

/**
 * Replaces Comlink's `"throw"` transfer handler with one that keeps what Comlink drops: the
 * error's class (built-ins and Backbeat's errors come back as that class), `code` and its other
 * primitive fields, besides `name`, `message` and the stack. Idempotent; both sides of a channel
 * call it when they open.
 *
 * @example
 * ```ts
 * installErrorTransferHandler();
 * // a RangeError thrown by an exposed method now rejects the caller with a RangeError
 * ```
 */
export function installErrorTransferHandler(): void {
  const current = Comlink.transferHandlers.get('throw');
  if (ours && current === ours) return;
  if (!isThrown) {
    // Comlink marks thrown values with a private symbol; its own handler knows how to spot them.
    if (!current) throw new Error('Comlink has no "throw" transfer handler to replace');
    isThrown = current.canHandle.bind(current);
  }
  const spot = isThrown;
  ours ??= {
    canHandle: (value: unknown): value is unknown => spot(value),
    serialize(thrown: unknown): [ThrownWire, Transferable[]] {
      const { value } = thrown as { value: unknown };
      const wire: ThrownWire = isErrorLike(value)
        ? { isError: true, value: serializeError(value) }
        : { isError: false, value };
      return [wire, []];
    },
    deserialize(wire: ThrownWire): never {
      if (wire.isError) throw reviveError(wire.value);
      throw wire.value;
    },
  };
  Comlink.transferHandlers.set('throw', ours);
}
