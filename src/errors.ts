/**
 * Every error Backbeat raises on purpose is a {@link BackbeatError} with a stable `code`, so
 * callers can branch on `error.code` even after the error crossed a boundary and was rebuilt.
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

/** A ValueSet (a message payload) broke a rule: the message names the path and the rule. */
export class ValueSetError extends BackbeatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VALUE_SET_INVALID', message, options);
  }
}

/** `source` or `systemMediaTransportControls` was touched from the foreground. */
export class BackgroundOnlyError extends BackbeatError {
  constructor(member: string) {
    super(
      'BACKGROUND_ONLY',
      `MediaPlayer.${member} is only available in the background task; the foreground holds a proxy. Send a message to the task instead.`,
    );
  }
}

/** The background task is gone (ended, cancelled, terminated, crashed): the call cannot complete. */
export class TaskUnavailableError extends BackbeatError {
  /** Why the task is unavailable, e.g. `'terminated: memoryLimit'`. */
  readonly reason: string;
  constructor(reason: string, what = 'call') {
    super(
      'TASK_UNAVAILABLE',
      `The background task is unavailable (${reason}); the pending ${what} cannot complete. Read backgroundMediaPlayer.current again to start a fresh task instance.`,
    );
    this.reason = reason;
  }
}

/** The foreground is not running, so a message for it cannot be delivered. */
export class ForegroundUnavailableError extends BackbeatError {
  constructor(state: string) {
    super(
      'FOREGROUND_UNAVAILABLE',
      `sendMessageToForeground failed: the foreground app is ${state}. Track the foreground state and save what it needs instead.`,
    );
  }
}

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

/** A call was made in an order the API does not allow (for example after dispose). */
export class InvalidOperationError extends BackbeatError {
  constructor(message: string) {
    super('INVALID_OPERATION', message);
  }
}

/** An envelope that arrived over a boundary failed validation; it was dropped, not delivered. */
export class ProtocolError extends BackbeatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROTOCOL', message, options);
  }
}

/** The error kinds a media item can fail with (MediaPlayerError). */
export type MediaPlayerErrorKind =
  | 'unknown'
  | 'aborted'
  | 'networkError'
  | 'decodingError'
  | 'sourceNotSupported';

/** A media source failed to open or to play. */
export class MediaError extends BackbeatError {
  readonly error: MediaPlayerErrorKind;
  constructor(error: MediaPlayerErrorKind, message: string, options?: { cause?: unknown }) {
    super('MEDIA_FAILED', message, options);
    this.error = error;
  }
}
