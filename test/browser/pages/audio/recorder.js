// Passes every render quantum of its input (channel 0) to the page, silence included, so the
// page holds the exact samples the engine played, in order.
class Recorder extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0]?.[0];
    this.port.postMessage(channel ? channel.slice(0) : new Float32Array(128));
    return true;
  }
}
registerProcessor('recorder', Recorder);
