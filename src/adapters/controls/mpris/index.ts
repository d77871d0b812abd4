export {
  createMprisControls,
  type MprisControls,
  type MprisControlsOptions,
} from './adapter.js';
export { connectableAddress, sessionBusAddress } from './bus.js';
export { type MprisMetadata, mprisMetadata, NO_TRACK } from './metadata.js';
export { MPRIS_OBJECT_PATH, mprisBusName, sanitizeBusNameElement } from './names.js';
export type { NoticeSink } from './notice.js';
export {
  type MprisLoopStatus,
  type MprisPlaybackStatus,
  mprisLoopStatus,
  mprisPlaybackStatus,
} from './properties.js';
