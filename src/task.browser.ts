/**
 * Backbeat's background entry (`backbeat/task`) as a browser loads it: the same names, with the
 * `defineBackgroundTask` that lets a task module run in a Web Worker or on the page.
 */
export { defineBackgroundTask } from './actors/task/defineBackgroundTask.browser.js';
export * from './task.js';
