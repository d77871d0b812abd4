/**
 * Backbeat's foreground entry: create a media system, launch apps, talk to their background
 * playback tasks.
 */

/** zod, as Backbeat uses it: build `defineMessages` schemas without depending on zod yourself. */
export { z } from 'zod';
export { App, type LaunchAppOptions } from './actors/foreground/app.js';
export {
  BackgroundMediaPlayer,
  type ForegroundBackgroundMediaPlayerEventMap,
  type TaskStateChangedEventArgs,
} from './actors/foreground/backgroundMediaPlayer.js';
export {
  createMediaSystem,
  type MediaSystem,
  type MediaSystemOptions,
} from './actors/foreground/mediaSystem.js';
export {
  MediaPlayerProxy,
  type MediaPlayerProxyEventMap,
} from './actors/foreground/playerProxy.js';
export type { MediaPlayerDataReceivedEventArgs } from './actors/task/backgroundMediaPlayerTaskView.js';
export type { PlaybackStateStore } from './adapters/store/types.js';
export { type Clock, systemClock, VirtualClock } from './clock.js';
export {
  BackbeatError,
  BackgroundOnlyError,
  ForegroundUnavailableError,
  InvalidOperationError,
  MediaError,
  type MediaPlayerErrorKind,
  MessageBufferOverflowError,
  ProtocolError,
  SystemDisposedError,
  TaskCrashedError,
  TaskUnavailableError,
  ValueSetError,
} from './errors.js';
export type { TaskState } from './machines/backgroundTask.js';
export {
  type CancellationReason,
  cancellationReasons,
  type TerminationReason,
} from './machines/cancellationReasons.js';
export { type DeviceFamily, deviceFamilies } from './machines/deviceFamilies.js';
export type { MediaPlayerState } from './machines/mediaPlayer.js';
export type { LiveTask } from './machines/mediaSystem.js';
export {
  type AnyMessageSet,
  type DefineMessagesOptions,
  defineMessages,
  type MessageDefinitions,
  type MessageFields,
  type MessageOf,
  type MessageOfType,
  type MessageSet,
  type MessageTypeOf,
} from './messages.js';
export type { PlayerSnapshot, PlayerSnapshotItem } from './protocol/player.js';
export { type PlaybackCheckpoint, parsePlaybackCheckpoint } from './protocol.js';
export {
  copyValueSet,
  defaultValueSetLimits,
  parseValueSet,
  type ValueSet,
  type ValueSetLike,
  type ValueSetLimits,
  type ValueSetValue,
} from './valueSet.js';
