// Raw baseline worker for browser.throughput.message: counts `data` messages, reports the count
// on `flush`.
let count = 0;
self.onmessage = (event) => {
  if (event.data.type === 'data') {
    count++;
  } else if (event.data.type === 'flush') {
    self.postMessage({ type: 'count', n: count });
    count = 0;
  }
};
