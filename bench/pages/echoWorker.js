// Raw baseline worker for browser.rtt.call: echoes every message straight back.
self.onmessage = (event) => self.postMessage(event.data);
