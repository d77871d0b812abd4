// The audio bridge across a real MessageChannel (Node's), with the virtual engine on the "page"
// side: the task's position estimate, the events, the errors and the end of the page side, all on
// virtual clocks (one for each side), so every figure is exact.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { MediaError, ProtocolError } from 'backbeat';
import { connectAudio, serveAudio } from 'backbeat/audio/bridge';
import { createVirtualAudio } from 'backbeat/audio/virtual';
import { VirtualClock, waitFor } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';

const open: MessagePort[] = [];
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

/** Node's MessagePort, shaped as the browser's (addEventListener with `event.data`). */
function channel() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  return { page: port1 as never, task: port2 as never, rawPage: port1 };
}

function setUp() {
  const pageClock = new VirtualClock();
  const taskClock = new VirtualClock();
  const audio = createVirtualAudio({ clock: pageClock });
  const ports = channel();
  const server = serveAudio(audio, ports.page, { clock: pageClock, reportEveryMs: 250 });
  const errors: ProtocolError[] = [];
  const client = connectAudio(ports.task, {
    clock: taskClock,
    onProtocolError: (e) => errors.push(e),
  });
  return { pageClock, taskClock, audio, server, client, errors, ports };
}

describe('the audio bridge', () => {
  it("estimates the position on the task's clock from the page's last report, and corrects it on every report", async () => {
    const { pageClock, taskClock, audio, client } = setUp();
    const track = await client.open('virtual:a?duration=10000');
    expect(track.duration).toBe(10_000);
    expect(track.canSeek).toBe(true);
    expect(track.position).toBe(0);
    track.play();
    await waitFor(() => audio.tracks[0]?.playing, { what: 'the page track to play' });
    // The page plays 1 s, reporting every 250 ms; the task's clock has not moved.
    pageClock.advance(1_000);
    await waitFor(() => track.position === 1_000, {
      what: 'the report of 1 s',
      seen: () => String(track.position),
    });
    // Between reports the task moves the estimate on its own clock: 1000 + 200 × 1.
    taskClock.advance(200);
    expect(track.position).toBe(1_200);
    // A rate change counts from the call on: 1200 + 100 × 2.
    track.setRate(2);
    taskClock.advance(100);
    expect(track.position).toBe(1_400);
    // The page's answer to the rate change corrects it to the page's own position.
    await waitFor(() => track.position === 1_000, {
      what: 'the report after the rate change',
      seen: () => String(track.position),
    });
    expect(audio.tracks[0]?.rate).toBe(2);
    // Paused, it holds, whatever the clock does.
    track.pause();
    const held = track.position;
    taskClock.advance(5_000);
    expect(track.position).toBe(held);
    await waitFor(() => audio.tracks[0]?.playing === false, { what: 'the page track to pause' });
  });

  it('a seek reads its target at once and reaches the page; volume and mute reach it too', async () => {
    const { audio, client } = setUp();
    const track = await client.open('virtual:a?duration=10000');
    track.seek(4_000);
    expect(track.position).toBe(4_000);
    track.seek(99_000);
    expect(track.position).toBe(10_000);
    track.setVolume(0.25);
    track.setMuted(true);
    track.setVolume(3); // out of range: ignored, nothing is sent
    await waitFor(() => audio.tracks[0]?.muted, { what: 'mute on the page' });
    expect(audio.tracks[0]?.position).toBe(10_000);
    expect(audio.tracks[0]?.volume).toBe(0.25);
  });

  it('carries preload, buffering, ended and failed', async () => {
    const { pageClock, audio, client } = setUp();
    client.preload('virtual:next?duration=5');
    await waitFor(() => audio.preloaded.length > 0, { what: 'the preload on the page' });
    expect(audio.preloaded).toEqual(['virtual:next?duration=5']);

    const track = await client.open('virtual:b?duration=1000&buffering=200');
    const events: string[] = [];
    for (const name of ['bufferingStarted', 'bufferingEnded', 'ended'] as const) {
      track.on(name, () => events.push(`${name}@${track.position}`));
    }
    track.play();
    await waitFor(() => events.length === 1, { what: 'bufferingStarted' });
    pageClock.advance(200);
    await waitFor(() => events.length === 2, { what: 'bufferingEnded' });
    pageClock.advance(1_000);
    await waitFor(() => events.length === 3, { what: 'ended', seen: () => events.join() });
    expect(events).toEqual(['bufferingStarted@0', 'bufferingEnded@0', 'ended@1000']);

    const failing = await client.open('virtual:c?duration=1000&failAt=300');
    const failed: unknown[] = [];
    failing.on('failed', (e) => failed.push(e));
    failing.play();
    await waitFor(() => audio.tracks.at(-1)?.playing, { what: 'the failing track to play' });
    pageClock.advance(300);
    await waitFor(() => failed.length > 0, { what: 'failed' });
    expect(failed[0]).toMatchObject({ error: 'decodingError' });
    expect(failing.position).toBe(300);
  });

  it("rejects an open with a MediaError of the page's kind, quoting the URI", async () => {
    const { client } = setUp();
    const network = client.open('virtual:x?duration=1&error=networkError');
    await expect(network).rejects.toBeInstanceOf(MediaError);
    await expect(network).rejects.toMatchObject({ error: 'networkError' });
    const odd = client.open('ftp://host/a.wav');
    await expect(odd).rejects.toMatchObject({ error: 'sourceNotSupported' });
    await expect(odd).rejects.toThrow('`ftp://host/a.wav`');
  });

  it('reports a bad message as a ProtocolError, and a bad answer to an open rejects it instead of hanging', async () => {
    const ports = channel();
    const errors: ProtocolError[] = [];
    const client = connectAudio(ports.task, { onProtocolError: (e) => errors.push(e) });
    ports.rawPage.on('message', (request: { kind: string; id: number }) => {
      if (request.kind === 'open') {
        ports.rawPage.postMessage({ v: 1, kind: 'opened', id: request.id, duration: 'long' });
      }
    });
    ports.rawPage.postMessage(42);
    ports.rawPage.postMessage({ v: 2, kind: 'engine', state: 'running' });
    const opening = client.open('https://example.test/a.wav');
    await expect(opening).rejects.toMatchObject({ name: 'MediaError', error: 'unknown' });
    await expect(opening).rejects.toThrow(/`https:\/\/example.test\/a.wav`.*bad message/s);
    expect(errors.map((e) => e instanceof ProtocolError)).toEqual([true, true, true]);
    expect(errors[0]?.message).toContain('`42`');
    expect(errors[1]?.message).toContain('expected 1, got `2`');
    expect(errors[2]?.message).toContain('duration');
    expect(client.connected).toBe(true);
  });

  it('when the page stops serving, pending opens reject (aborted), tracks fail and later opens reject at once', async () => {
    const { audio, client, server } = setUp();
    const track = await client.open('virtual:a?duration=10000');
    const failed: { error: string; message: string }[] = [];
    track.on('failed', (e) => failed.push(e));
    const states: string[] = [];
    client.on('stateChanged', ({ state }) => states.push(state));
    const pending = client.open('virtual:slow?duration=1000&open=60000');
    await waitFor(() => audio.tracks.length === 1, { what: 'the first track on the page' });
    server.close('the page went away');
    await expect(pending).rejects.toMatchObject({ name: 'MediaError', error: 'aborted' });
    await expect(pending).rejects.toThrow(
      /`virtual:slow\?duration=1000&open=60000`.*the page went away/,
    );
    expect(failed).toEqual([
      {
        error: 'aborted',
        message:
          "Playing `virtual:a?duration=10000` stopped: the page's audio engine is gone (the page went away)",
      },
    ]);
    expect(states).toEqual(['closed']);
    expect(client.connected).toBe(false);
    expect(audio.tracks[0]?.closed).toBe(true);
    await expect(client.open('virtual:late?duration=1')).rejects.toMatchObject({
      error: 'aborted',
    });
  });

  it('refuses what is not a port or an adapter with a TypeError quoting it', () => {
    expect(() => connectAudio(7 as never)).toThrow(/needs a MessagePort .*got `7`/);
    expect(() => serveAudio({} as never, channel().page)).toThrow(/needs an audio adapter/);
    const clock = new VirtualClock();
    expect(() =>
      serveAudio(createVirtualAudio({ clock }), channel().page, { reportEveryMs: -1 }),
    ).toThrow('got `-1`');
  });
});
