/**
 * Backbeat's background entry (`backbeat/task`): what a background playback task module uses.
 */

export type {
  BackgroundMediaPlayerTaskView,
  MediaPlayerDataReceivedEventArgs,
} from './actors/task/backgroundMediaPlayerTaskView.js';
export {
  type BackgroundTaskDefinition,
  type BackgroundTaskResumeOptions,
  defineBackgroundTask,
} from './actors/task/defineBackgroundTask.js';
export { MediaPlayer, type MediaPlayerEventMap } from './actors/task/mediaPlayer.js';
export { MediaPlaybackItem, MediaSource } from './actors/task/mediaSource.js';
export {
  type CurrentItemChangedEvent,
  type ItemFailedEvent,
  MediaPlaybackList,
} from './actors/task/playbackList.js';
export { SystemMediaTransportControls } from './actors/task/systemMediaTransportControls.js';
export type {
  BackgroundTaskDeferral,
  BackgroundTaskInstance,
  BackgroundTaskRegistration,
} from './actors/task/taskInstance.js';
export { ForegroundUnavailableError, ValueSetError } from './errors.js';
export type { CancellationReason } from './machines/cancellationReasons.js';
export {
  defineMessages,
  type MessageFields,
  type MessageOf,
  type MessageOfType,
  type MessageSet,
  type MessageTypeOf,
} from './messages.js';
export type { SystemMediaTransportControlsButton } from './protocol/controls.js';
export type { PlayerSnapshot } from './protocol/player.js';
export type { PlaybackCheckpoint } from './protocol.js';
export type { ValueSet, ValueSetLike } from './valueSet.js';
