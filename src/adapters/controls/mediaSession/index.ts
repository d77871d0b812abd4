/**
 * Browser media controls (`backbeat/controls/mediaSession`): a controls adapter that shows a
 * task's system media transport controls through `navigator.mediaSession`.
 *
 * @packageDocumentation
 */
export {
  createMediaSessionControls,
  type MediaSessionControls,
  type MediaSessionControlsOptions,
  type MediaSessionLike,
} from './adapter.js';
export { MEDIA_SESSION_ACTIONS, type MediaSessionControlsAction } from './mapping.js';
