import { createMediaSystem, type MediaSystem, type ValueSet } from 'backbeat';
import { waitFor } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';

// The official BackgroundAudio sample's task, ported as literally as JavaScript allows
// (test/fixtures/port/backgroundAudioTask.mjs), driven through the sample's flows on every host:
// start handshake, UpdatePlaylist, StartPlayback with a saved track and position, Skip*,
// TrackChanged from the foreground (items.findIndex in the message handler) and SMTC presses.
const taskUrl = new URL('../fixtures/port/backgroundAudioTask.mjs', import.meta.url);
const songs = [
  {
    Title: 'Ring Ring',
    MediaUri: 'virtual:ring?duration=60000',
    AlbumArtUri: 'https://a.test/1.jpg',
  },
  {
    Title: 'Misty Mountain',
    MediaUri: 'virtual:misty?duration=60000',
    AlbumArtUri: 'https://a.test/2.jpg',
  },
  {
    Title: 'Sunny Days',
    MediaUri: 'virtual:sunny?duration=60000',
    AlbumArtUri: 'https://a.test/3.jpg',
  },
];
const LIMIT_MS = 10_000;

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

interface Message {
  type: string;
  body: Record<string, unknown>;
}

describe.each(['worker', 'process', 'inline'] as const)(
  'the ported BackgroundAudio sample (%s host)',
  (host) => {
    it('runs the sample flows: every reply arrives and the task stays alive', async () => {
      system = createMediaSystem();
      const app = system.launchApp({ id: 'backgroundaudio', task: taskUrl, host });
      const bmp = app.backgroundMediaPlayer;
      const errors: Error[] = [];
      bmp.on('error', (e) => errors.push(e));
      const taskStates: string[] = [];
      bmp.on('taskStateChanged', ({ state }) => taskStates.push(state));

      const inbox: Message[] = [];
      bmp.on('messageReceivedFromBackground', ({ data }) => {
        inbox.push({
          type: String(data.MessageType),
          body: JSON.parse(String(data.MessageBody)) as Record<string, unknown>,
        });
      });
      /** Takes the oldest message of `type` from the inbox, waiting for one if there is none. */
      const next = (type: string) =>
        waitFor(
          () => {
            const i = inbox.findIndex((m) => m.type === type);
            return i >= 0 ? inbox.splice(i, 1)[0] : undefined;
          },
          { timeoutMs: LIMIT_MS, what: type, seen: () => `task states: ${taskStates}` },
        );
      const send = (type: string, body: Record<string, unknown> = {}) =>
        bmp.sendMessageToBackground({
          MessageType: type,
          MessageBody: JSON.stringify(body),
        } as ValueSet);
      const trackChanged = async () => (await next('TrackChangedMessage')).body;

      // Touching Current launches the task; the sample waits for its started message.
      const player = bmp.current;
      const states: string[] = [];
      player.on('currentStateChanged', ({ state }) => states.push(state));
      const stateReached = (state: string, from = states.length) =>
        waitFor(() => player.currentState === state || states.slice(from).includes(state), {
          timeoutMs: LIMIT_MS,
          what: `the player to be ${state}`,
          seen: () => `states ${states}`,
        });
      await next('BackgroundAudioTaskStartedMessage');

      send('AppResumedMessage', { Timestamp: new Date().toISOString() });
      send('UpdatePlaylistMessage', { Songs: songs });
      // The listener added right after `Current.Source = playbackList` hears the initial item.
      expect(await trackChanged()).toEqual({ TrackId: songs[0]!.MediaUri, reason: 'initialItem' });

      // StartPlayback with a saved track and position: FindIndex, MoveTo, then Position and Play
      // from a one-shot CurrentItemChanged handler.
      send('LocalSettingsMessage', { trackid: songs[1]!.MediaUri, position: 20_000 });
      send('StartPlaybackMessage');
      expect(await trackChanged()).toEqual({ TrackId: songs[1]!.MediaUri, reason: 'appRequested' });
      await stateReached('playing');
      expect(player.snapshot.currentItem?.uri).toBe(songs[1]!.MediaUri);
      expect(player.snapshot.position).toBeGreaterThanOrEqual(20_000);
      expect(player.snapshot.position).toBeLessThan(30_000);

      send('SkipNextMessage');
      expect((await trackChanged()).TrackId).toBe(songs[2]!.MediaUri);
      // A track clicked in the foreground: the task finds it with items.findIndex.
      send('TrackChangedMessage', { TrackId: songs[0]!.MediaUri });
      expect((await trackChanged()).TrackId).toBe(songs[0]!.MediaUri);
      send('SkipPreviousMessage');
      expect((await trackChanged()).TrackId).toBe(songs[2]!.MediaUri);

      // A headset's buttons reach the task's SMTC handler.
      expect(await system.controls.press('next')).toBe(true);
      expect((await trackChanged()).TrackId).toBe(songs[0]!.MediaUri);
      expect(await system.controls.press('pause')).toBe(true);
      await stateReached('paused');

      send('StateMessage');
      const state = (await next('StateMessage')).body;
      expect(state).toMatchObject({
        currentTrackId: songs[0]!.MediaUri,
        currentState: 'paused',
        titles: songs.map((s) => s.Title),
        isArray: true,
        items: 3,
        smtc: { playbackStatus: 'paused', title: songs[0]!.Title },
      });
      expect(system.controls.state?.display.musicProperties.title).toBe(songs[0]!.Title);
      expect(errors).toEqual([]);
      expect(taskStates).not.toContain('terminated');
      expect(await bmp.isMediaPlaying()).toBe(false);
    });
  },
);
