// Runs before the page's scripts (page.addInitScript): records what is handed to the real
// Media Session so a test can read the position state and invoke the registered handlers. The
// real methods are still called, and whether they threw is recorded too.
(() => {
  const proto = MediaSession.prototype;
  const setActionHandler = proto.setActionHandler;
  const setPositionState = proto.setPositionState;
  const log = { handlers: {}, handlerCalls: [], positions: [] };
  window.mediaSessionLog = log;
  proto.setActionHandler = function (action, handler) {
    log.handlerCalls.push([action, handler === null ? null : 'handler']);
    setActionHandler.call(this, action, handler);
    log.handlers[action] = handler;
  };
  proto.setPositionState = function (...args) {
    const entry = { state: args[0] === undefined ? null : { ...args[0] }, threw: null };
    log.positions.push(entry);
    try {
      setPositionState.apply(this, args);
    } catch (error) {
      entry.threw = String(error);
      throw error;
    }
  };
})();
