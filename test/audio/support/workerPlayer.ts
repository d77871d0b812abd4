// Runs inside a worker thread: plays two in-memory items gaplessly on the realtime adapter and
// decodes a file given by URL, then reports what it saw to the parent.
import { parentPort, workerData } from 'node:worker_threads';
import { createWebAudio, encodeWav, type WebAudioTrack } from 'backbeat/audio/webAudio';
import { noise } from './signals.ts';

const { fileUrl } = workerData as { fileUrl: string };
const RATE = 44_100;
const notices: string[] = [];
const audio = createWebAudio({
  sources: {
    'memory:a': encodeWav([noise(RATE * 0.1, 1)], RATE),
    'memory:b': encodeWav([noise(RATE * 0.05, 2)], RATE),
  },
  onNotice: (message) => notices.push(message),
});
const ended = (track: WebAudioTrack) =>
  new Promise<void>((resolve) => {
    track.on('ended', () => resolve());
  });

try {
  const first = await audio.open('memory:a');
  first.play();
  const end = first.endTime;
  audio.preload('memory:b');
  const clockFrom = audio.context?.currentTime ?? 0;
  await ended(first);
  const next = await audio.open('memory:b');
  const joinedOnEndSample = next.startTime === end && next.playing;
  await ended(next);
  const file = await audio.open(fileUrl);
  parentPort?.postMessage({
    outputKind: audio.outputKind,
    notices,
    joinedOnEndSample,
    clockAdvanced: (audio.context?.currentTime ?? 0) - clockFrom,
    endedAt: next.position,
    fileDuration: file.duration,
  });
} catch (error) {
  parentPort?.postMessage({ error: String(error) });
} finally {
  audio.dispose();
}
