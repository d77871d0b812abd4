/**
 * Backbeat's test kit (`backbeat/testing`): a media system on a virtual clock with inline tasks,
 * virtual audio and virtual controls, and the lifecycle paths an app's own tests run its task
 * through.
 */

export type { TaskActorOrigin, TaskActorRef } from './actors/foreground/taskActors.js';
export { VirtualClock } from './clock.js';
export type { LifecycleModelState } from './testing/lifecycleModel.js';
export {
  type LifecycleEventType,
  type LifecycleExpectation,
  type LifecyclePath,
  type LifecyclePathsOptions,
  type LifecycleStep,
  lifecycleEventTypes,
  lifecyclePaths,
} from './testing/lifecyclePaths.js';
export { type AppRecording, recordApp } from './testing/recorder.js';
export type { LifecycleRun, ObservedEnding, RunPathOptions } from './testing/runPath.js';
export {
  createTestSystem,
  type TestSystem,
  type TestSystemOptions,
  type TestSystemTimings,
} from './testing/testSystem.js';
export { type Truthy, type WaitForOptions, waitFor } from './testing/waiting.js';
