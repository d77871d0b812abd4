// What a dedicated module worker has.
self.postMessage({
  audioContext: typeof AudioContext,
  locks: typeof navigator.locks,
  broadcastChannel: typeof BroadcastChannel,
  indexedDB: typeof indexedDB,
  audioDecoder: typeof AudioDecoder,
  mediaSession: typeof navigator.mediaSession,
});
