// A module that is not a task: its default export is not from defineBackgroundTask.
export default { run() {} };
