/**
 * The audio bridge (`backbeat/audio/bridge`): a task in a Web Worker has no AudioContext and no
 * media element, so its `AudioAdapter` is a client ({@link connectAudio}) of an engine that a
 * page serves ({@link serveAudio}) over a `MessagePort`.
 *
 * @packageDocumentation
 */
export type { AudioEngine, AudioEngineState } from '../../adapters/audio/types.js';
export { type BridgedAudio, type ConnectAudioOptions, connectAudio } from './connectAudio.js';
export type { AudioPort } from './port.js';
export { type AudioServer, type ServeAudioOptions, serveAudio } from './serveAudio.js';
