import type { MediaPlayerErrorKind } from './protocol/player.js';

/** Marks the prototypes of Backbeat's error classes, whichever copy of the package made them. */
const errorBrand = Symbol.for('backbeat.BackbeatError');

/**
 * Gives a class its name for good: a minifier may rename classes (a browser bundle does), and
 * an error's `name`, `instanceof` across copies and the revival of a crossed error all read it.
 */
function keepName(errorClass: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(errorClass, 'name', { value: name });
}

/**
 * Every error Backbeat raises on purpose is a {@link BackbeatError} with a stable `code`, so
 * callers can branch on `error.code` even after the error crossed a boundary and was rebuilt.
 * `instanceof` also holds for an error made by another copy of the package in the same realm
 * (the bundled task side and the foreground's modules, on the inline host).
 */
export class BackbeatError extends Error {
  /** Stable machine-readable code, e.g. `'TASK_UNAVAILABLE'`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
keepName(BackbeatError, 'BackbeatError');
Object.defineProperty(BackbeatError.prototype, errorBrand, { value: true });
// Inherited by every subclass: `this` is the class right of `instanceof`.
Object.defineProperty(BackbeatError, Symbol.hasInstance, {
  value: function hasInstance(this: abstract new (...args: never[]) => unknown, value: unknown) {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(errorBrand in value)) return false;
    for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
      if (Object.hasOwn(proto, 'constructor') && proto.constructor.name === this.name) return true;
    }
    return false;
  },
});

/** A ValueSet (a message payload) broke a rule: the message names the path and the rule. */
export class ValueSetError extends BackbeatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VALUE_SET_INVALID', message, options);
  }
}
keepName(ValueSetError, 'ValueSetError');

/** `source` or `systemMediaTransportControls` was touched from the foreground. */
export class BackgroundOnlyError extends BackbeatError {
  constructor(member: string) {
    super(
      'BACKGROUND_ONLY',
      `MediaPlayer.${member} is only available in the background task; the foreground holds a proxy. Send a message to the task instead.`,
    );
  }
}
keepName(BackgroundOnlyError, 'BackgroundOnlyError');

/** `TaskUnavailableError.reason` of calls cut short because the media system was disposed. */
export const SYSTEM_DISPOSED_REASON = 'media system disposed';

/** The background task is gone (ended, cancelled, terminated, crashed): the call cannot complete. */
export class TaskUnavailableError extends BackbeatError {
  /** Why the task is unavailable, e.g. `'terminated: memoryLimit'`. */
  readonly reason: string;
  constructor(reason: string, what = 'call') {
    const advice =
      reason === SYSTEM_DISPOSED_REASON
        ? 'The media system is disposed; create a new one with createMediaSystem() to play again.'
        : 'Read backgroundMediaPlayer.current again to start a fresh task instance.';
    super(
      'TASK_UNAVAILABLE',
      `The background task is unavailable (${reason}); the pending ${what} cannot complete. ${advice}`,
    );
    this.reason = reason;
  }
}
keepName(TaskUnavailableError, 'TaskUnavailableError');

/** The media system was disposed: nothing can start or be sent any more. */
export class SystemDisposedError extends BackbeatError {
  constructor(what: string) {
    super(
      'SYSTEM_DISPOSED',
      `${what} failed: the media system is disposed. Create a new one with createMediaSystem().`,
    );
  }
}
keepName(SystemDisposedError, 'SystemDisposedError');

/**
 * A background task crashed without an error of its own to report: it exited by itself, was
 * ended by a signal or ran out of memory. (When the task threw, the `error` event carries that
 * error instead.)
 */
export class TaskCrashedError extends BackbeatError {
  /** How the task ended: `'exited'`, `'crashed'` (a signal) or `'memoryLimit'`. */
  readonly reason: string;
  /** The exit code, when the host reported one. */
  readonly exitCode: number | undefined;
  /** Process host: the signal that ended the task. */
  readonly signal: string | undefined;
  constructor(
    instanceId: string,
    reason: string,
    detail: { exitCode?: number; signal?: string; cause?: unknown } = {},
  ) {
    const how =
      reason === 'memoryLimit'
        ? 'ran out of memory'
        : detail.signal
          ? `was ended by signal ${detail.signal}`
          : `exited with code ${detail.exitCode ?? 0}`;
    super(
      'TASK_CRASHED',
      `The background task '${instanceId}' ${how}. Read backgroundMediaPlayer.current to start a fresh instance.`,
      detail.cause === undefined ? undefined : { cause: detail.cause },
    );
    this.reason = reason;
    this.exitCode = detail.exitCode;
    this.signal = detail.signal;
  }
}
keepName(TaskCrashedError, 'TaskCrashedError');

/** The foreground is not running, so a message for it cannot be delivered. */
export class ForegroundUnavailableError extends BackbeatError {
  constructor(state: string) {
    super(
      'FOREGROUND_UNAVAILABLE',
      `sendMessageToForeground failed: the foreground app is ${state}. Check backgroundMediaPlayer.foregroundState before sending, and keep what the foreground needs (in the task or a store) until it is visible again.`,
    );
  }
}
keepName(ForegroundUnavailableError, 'ForegroundUnavailableError');

/** A bounded message buffer overflowed: the message was refused, never silently dropped. */
export class MessageBufferOverflowError extends BackbeatError {
  readonly limit: number;
  constructor(direction: string, limit: number) {
    super(
      'MESSAGE_BUFFER_OVERFLOW',
      `The ${direction} message buffer is full (${limit} messages waiting for a handler); register a handler to drain it.`,
    );
    this.limit = limit;
  }
}
keepName(MessageBufferOverflowError, 'MessageBufferOverflowError');

/** A call was made in an order the API does not allow (for example after dispose). */
export class InvalidOperationError extends BackbeatError {
  constructor(message: string) {
    super('INVALID_OPERATION', message);
  }
}
keepName(InvalidOperationError, 'InvalidOperationError');

/** An envelope that arrived over a boundary failed validation; it was dropped, not delivered. */
export class ProtocolError extends BackbeatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROTOCOL', message, options);
  }
}
keepName(ProtocolError, 'ProtocolError');

export type { MediaPlayerErrorKind };

/** A media source failed to open or to play. */
export class MediaError extends BackbeatError {
  readonly error: MediaPlayerErrorKind;
  constructor(error: MediaPlayerErrorKind, message: string, options?: { cause?: unknown }) {
    super('MEDIA_FAILED', message, options);
    this.error = error;
  }
}
keepName(MediaError, 'MediaError');

/** A recording (a saved inspector session) is not one: the message names the field and value. */
export class RecordingError extends BackbeatError {
  /** Where the first problem is, as a dotted path (`entries.3.seq`), or `''` for the whole. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('RECORDING_INVALID', message, options);
    this.path = path;
  }
}
keepName(RecordingError, 'RecordingError');

/** The inspector could not listen on its port: another program has it. */
export class PortInUseError extends BackbeatError {
  /** The port asked for. */
  readonly port: number;
  constructor(port: number, options?: { cause?: unknown }) {
    super(
      'PORT_IN_USE',
      `Port ${port} is in use on 127.0.0.1; choose another (\`port: 0\` takes a free one).`,
      options,
    );
    this.port = port;
  }
}
keepName(PortInUseError, 'PortInUseError');
