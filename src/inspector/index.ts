/**
 * Backbeat's inspector (`backbeat/inspector`), Node entry: {@link startInspector} serves the
 * inspector page on 127.0.0.1 and streams a media system's recording to it; the recorder
 * ({@link createRecorder}) and {@link loadRecording} work on their own, too. In browsers the
 * same entry (its `browser` build) gives everything but `startInspector`; `openInspector` feeds
 * a page over a BroadcastChannel (in Node, with `target: null`, too).
 *
 * @packageDocumentation
 */

export { PortInUseError, RecordingError } from '../errors.js';
export type { MachineDefinition, StateNodeDefinition } from '../protocol/machineDefinition.js';
export type {
  ActorSide,
  FeedMessage,
  RecordedActor,
  Recording,
  RecordingEntry,
} from '../protocol/recording.js';
export {
  type BrowserInspector,
  type OpenInspectorOptions,
  openInspector,
} from './channel.js';
export { serializeMachine } from './definition.js';
export {
  createRecorder,
  loadRecording,
  type Recorder,
  type RecorderOptions,
  type RecordingDelta,
} from './recorder.js';
export { type Inspector, type InspectorOptions, startInspector } from './server.js';
