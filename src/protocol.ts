/**
 * The contract between the foreground and a background task: every shape that crosses a task
 * boundary, as a zod schema with its type inferred from it, one concern per file under
 * `protocol/`:
 * - `envelopes`: what is posted (calls and results, events, snapshots, messages, notices,
 *   commands, heartbeats, inspection records, checkpoints) and how a receiver checks it;
 * - `player`: the player's snapshot, its events and the command table of its calls;
 * - `task`: what a task is started with, its lifecycle notices, the commands it obeys;
 * - `controls`: the system media transport controls' state and requests;
 * - `audio`: the audio bridge between a task's audio client and a page's engine;
 * - `checkpoint`: the playback state a task leaves behind ("Resume");
 * - `wireError`, `inspection`: errors and inspection events in wire form;
 * - `machineDefinition`, `recording`: a statechart as plain data, and the inspector's recording
 *   of a whole system and the feed that streams it.
 *
 * @packageDocumentation
 */
export * from './protocol/audio.js';
export * from './protocol/checkpoint.js';
export * from './protocol/controls.js';
export * from './protocol/envelopes.js';
export * from './protocol/inspection.js';
export * from './protocol/machineDefinition.js';
export * from './protocol/player.js';
export * from './protocol/recording.js';
export * from './protocol/task.js';
export * from './protocol/wireError.js';
