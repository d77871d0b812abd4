/**
 * Backbeat's inspector (`backbeat/inspector`), browser entry: {@link openInspector} opens the
 * inspector page in a window or a panel of the app's origin and feeds it over a
 * BroadcastChannel; the recorder ({@link createRecorder}), {@link loadRecording} and
 * {@link serializeMachine} are the Node entry's. Nothing here imports `node:` modules (the
 * Node entry adds `startInspector`).
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
