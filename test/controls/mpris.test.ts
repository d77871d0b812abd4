import { createRequire } from 'node:module';
import * as dbus from 'dbus-next';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SystemMediaTransportControls } from '../../src/actors/task/systemMediaTransportControls.ts';
import {
  createMprisControls,
  type MprisControls,
  type MprisControlsOptions,
} from '../../src/adapters/controls/mpris/index.ts';
import { VirtualClock } from '../../src/clock.ts';
import { InvalidOperationError } from '../../src/errors.ts';
import { waitFor } from '../../src/testing/waiting.ts';
import { dbusTestGate, type PrivateBus, playerctl, startPrivateBus } from '../support/dbus.ts';

function hasUsocket(): boolean {
  try {
    createRequire(import.meta.url).resolve('usocket');
    return true;
  } catch {
    return false;
  }
}

const gate = dbusTestGate(['dbus-daemon', 'playerctl'], 'MPRIS over D-Bus');
const OBJECT_PATH = '/org/mpris/MediaPlayer2';
const PLAYER = 'org.mpris.MediaPlayer2.Player';

/** Publishes a paused track with the usual buttons, as a player task would. */
function publishTrack(smtc: SystemMediaTransportControls): void {
  smtc.isPlayEnabled = true;
  smtc.isPauseEnabled = true;
  smtc.isNextEnabled = true;
  const display = smtc.displayUpdater;
  display.type = 'music';
  display.musicProperties.title = 'Song';
  display.musicProperties.artist = 'Band';
  display.musicProperties.albumTitle = 'Album';
  display.thumbnail = 'https://example.com/cover.png';
  display.update();
  smtc.updateTimelineProperties({ endTime: 180_000, maxSeekTime: 180_000, position: 0 });
  smtc.playbackStatus = 'paused';
}

/** The standard properties interface, as a client sees it. */
interface PropertiesClient {
  Get(iface: string, name: string): Promise<dbus.Variant>;
  Set(iface: string, name: string, value: dbus.Variant): Promise<void>;
  on(
    event: 'PropertiesChanged',
    listener: (iface: string, changed: Record<string, dbus.Variant>) => void,
  ): void;
}

/** A D-Bus client watching the player's signals. */
async function watchPlayer(address: string, busName: string) {
  const client = dbus.sessionBus({ busAddress: address });
  const object = await client.getProxyObject(busName, OBJECT_PATH);
  const properties = object.getInterface(
    'org.freedesktop.DBus.Properties',
  ) as unknown as PropertiesClient;
  const player = object.getInterface(PLAYER);
  const changes: Record<string, unknown>[] = [];
  const seeked: bigint[] = [];
  properties.on('PropertiesChanged', (iface: string, changed: Record<string, dbus.Variant>) => {
    if (iface !== PLAYER) return;
    changes.push(Object.fromEntries(Object.entries(changed).map(([k, v]) => [k, v.value])));
  });
  player.on('Seeked', (position: bigint) => seeked.push(position));
  // A round trip after subscribing: the match rules are in place once it returns.
  await properties.Get(PLAYER, 'PlaybackStatus');
  return { properties, changes, seeked, close: () => client.disconnect() };
}

describe.skipIf(gate.skip)('MPRIS player on a private session bus', () => {
  if (gate.missing) {
    it('has dbus-daemon and playerctl', () => {
      expect.fail(gate.missing!);
    });
    return;
  }

  let bus: PrivateBus;
  const cleanups: (() => unknown)[] = [];
  let count = 0;

  beforeAll(async () => {
    bus = await startPrivateBus();
  });
  afterAll(async () => {
    await bus?.stop();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function controlsFor(options: MprisControlsOptions = {}): MprisControls {
    const controls = createMprisControls({ address: bus.address, ...options });
    cleanups.push(() => controls.dispose());
    return controls;
  }

  async function setup(options: MprisControlsOptions = {}) {
    const id = `player${++count}`;
    const clock = new VirtualClock();
    const smtc = new SystemMediaTransportControls();
    const notes: string[] = [];
    const controls = controlsFor({ id, clock, notice: (m) => notes.push(m), ...options });
    controls.attach(smtc);
    expect(await controls.ready()).toBe(true);
    const ctl = async (...args: string[]) => {
      const result = await playerctl(bus.address, ['-p', `backbeat.${id}`, ...args]);
      return result.stdout;
    };
    return { id, clock, smtc, controls, ctl, notes, busName: controls.busName };
  }

  async function listed(): Promise<string[]> {
    const { stdout } = await playerctl(bus.address, ['-l']);
    return stdout.split('\n').filter((line) => line.startsWith('backbeat.'));
  }

  it('shows the published status and metadata to playerctl', async () => {
    const { smtc, ctl, busName } = await setup();
    expect(busName).toMatch(/^org\.mpris\.MediaPlayer2\.backbeat\.player\d+$/);
    expect(await ctl('status')).toBe('Stopped');
    publishTrack(smtc);
    expect(await ctl('status')).toBe('Paused');
    expect(await ctl('metadata', '--format', '{{title}} - {{artist}}')).toBe('Song - Band');
    expect(await ctl('metadata', '--format', '{{album}}|{{mpris:artUrl}}|{{mpris:length}}')).toBe(
      'Album|https://example.com/cover.png|180000000',
    );
    smtc.displayUpdater.musicProperties.title = 'Staged only';
    smtc.playbackStatus = 'playing';
    expect(await ctl('status')).toBe('Playing');
    expect(await ctl('metadata', '--format', '{{title}}')).toBe('Song');
    smtc.playbackStatus = 'changing';
    expect(await ctl('status')).toBe('Stopped');
  });

  it('play-pause asks for play or pause from the current status', async () => {
    const { smtc, ctl } = await setup();
    publishTrack(smtc);
    const pressed: string[] = [];
    smtc.on('buttonPressed', ({ button }) => {
      pressed.push(button);
      if (button === 'play') smtc.playbackStatus = 'playing';
      if (button === 'pause') smtc.playbackStatus = 'paused';
    });
    await ctl('play-pause');
    expect(pressed).toEqual(['play']);
    expect(await ctl('status')).toBe('Playing');
    await ctl('play-pause');
    expect(pressed).toEqual(['play', 'pause']);
    expect(await ctl('status')).toBe('Paused');
  });

  it('next reaches the app; a disabled button does not', async () => {
    const { smtc, ctl } = await setup();
    publishTrack(smtc);
    const pressed: string[] = [];
    smtc.on('buttonPressed', ({ button }) => pressed.push(button));
    await ctl('next');
    expect(pressed).toEqual(['next']);
    expect(smtc.isPreviousEnabled).toBe(false);
    await ctl('previous');
    expect(pressed).toEqual(['next']);
  });

  it('position asks the app to seek; Position and Seeked follow what it publishes', async () => {
    const { smtc, ctl, busName } = await setup();
    publishTrack(smtc);
    const watcher = await watchPlayer(bus.address, busName);
    cleanups.push(watcher.close);
    const requested: number[] = [];
    smtc.on('playbackPositionChangeRequested', ({ requestedPlaybackPosition }) => {
      requested.push(requestedPlaybackPosition);
      smtc.updateTimelineProperties({
        endTime: 180_000,
        maxSeekTime: 180_000,
        position: requestedPlaybackPosition,
      });
    });
    await ctl('position', '10');
    expect(requested).toEqual([10_000]);
    expect(await ctl('position')).toBe('10.000000');
    await waitFor(() => watcher.seeked.length >= 1, { what: 'a Seeked signal' });
    expect(watcher.seeked).toEqual([10_000_000n]);
    await ctl('position', '5+');
    expect(requested).toEqual([10_000, 15_000]);
    await waitFor(() => watcher.seeked.length >= 2, { what: 'a second Seeked signal' });
    expect(watcher.seeked).toEqual([10_000_000n, 15_000_000n]);
  });

  it('Position moves on while playing and stops with the player', async () => {
    const { smtc, ctl, clock } = await setup();
    publishTrack(smtc);
    smtc.updateTimelineProperties({ endTime: 180_000, maxSeekTime: 180_000, position: 5_000 });
    smtc.playbackStatus = 'playing';
    clock.advance(3_000);
    // playerctl itself moves a playing position on by the real time its call took.
    expect(Number(await ctl('position'))).toBeCloseTo(8, 1);
    smtc.playbackStatus = 'paused';
    clock.advance(60_000);
    expect(await ctl('position')).toBe('8.000000');
  });

  it('loop and shuffle writes are requests; the properties follow the app', async () => {
    const { smtc, ctl } = await setup();
    publishTrack(smtc);
    const heard: unknown[] = [];
    smtc.on('autoRepeatModeChangeRequested', (e) => heard.push(e.requestedAutoRepeatMode));
    smtc.on('shuffleEnabledChangeRequested', (e) => heard.push(e.requestedShuffleEnabled));
    await ctl('loop', 'Track');
    await ctl('shuffle', 'On');
    await waitFor(() => heard.length >= 2, { what: 'both requests' });
    expect(heard).toEqual(['track', true]);
    expect(await ctl('loop')).toBe('None');
    expect(await ctl('shuffle')).toBe('Off');
    smtc.autoRepeatMode = 'track';
    smtc.shuffleEnabled = true;
    expect(await ctl('loop')).toBe('Track');
    expect(await ctl('shuffle')).toBe('On');
    smtc.autoRepeatMode = 'list';
    expect(await ctl('loop')).toBe('Playlist');
  });

  it('a Rate write is a request, and a bad LoopStatus is refused quoting the value', async () => {
    const { smtc, busName } = await setup();
    publishTrack(smtc);
    const watcher = await watchPlayer(bus.address, busName);
    cleanups.push(watcher.close);
    const rates: number[] = [];
    smtc.on('playbackRateChangeRequested', (e) => rates.push(e.requestedPlaybackRate));
    await watcher.properties.Set(PLAYER, 'Rate', new dbus.Variant('d', 1.5));
    expect(rates).toEqual([1.5]);
    const rate = await watcher.properties.Get(PLAYER, 'Rate');
    expect(rate.value).toBe(1);
    await expect(
      watcher.properties.Set(PLAYER, 'LoopStatus', new dbus.Variant('s', 'Forever')),
    ).rejects.toMatchObject({
      type: 'org.freedesktop.DBus.Error.InvalidArgs',
      text: expect.stringContaining('got `Forever`'),
    });
  });

  it('announces state changes with PropertiesChanged', async () => {
    const { smtc, busName } = await setup();
    const watcher = await watchPlayer(bus.address, busName);
    cleanups.push(watcher.close);
    smtc.isNextEnabled = true;
    smtc.playbackStatus = 'playing';
    await waitFor(() => watcher.changes.length > 0, { what: 'a PropertiesChanged signal' });
    expect(watcher.changes).toEqual([{ PlaybackStatus: 'Playing', CanGoNext: true }]);
    smtc.displayUpdater.musicProperties.title = 'Song';
    smtc.displayUpdater.update();
    const metadata = await waitFor(
      () => watcher.changes.at(-1)?.Metadata as Record<string, dbus.Variant> | undefined,
      { what: 'the new Metadata' },
    );
    expect(metadata['xesam:title']?.value).toBe('Song');
    const before = watcher.changes.length;
    smtc.displayUpdater.update(); // nothing new: no signal
    smtc.playbackStatus = 'paused';
    await waitFor(() => watcher.changes.some((c) => c.PlaybackStatus === 'Paused'), {
      what: 'the Paused status',
    });
    expect(watcher.changes.slice(before)).toEqual([{ PlaybackStatus: 'Paused' }]);
  });

  it('detach releases the name, attach publishes again, dispose closes for good', async () => {
    const { smtc, controls, id } = await setup();
    expect(await listed()).toContain(`backbeat.${id}`);
    controls.detach();
    expect(controls.state).toBeNull();
    expect(await controls.ready()).toBe(false);
    expect(await listed()).not.toContain(`backbeat.${id}`);
    controls.attach(smtc);
    expect(await controls.ready()).toBe(true);
    expect(await listed()).toContain(`backbeat.${id}`);
    await controls.dispose();
    expect(controls.published).toBe(false);
    expect(await listed()).not.toContain(`backbeat.${id}`);
    expect(() => controls.attach(smtc)).toThrow(InvalidOperationError);
  });

  it('attach and detach in quick succession leave nothing on the bus', async () => {
    const smtc = new SystemMediaTransportControls();
    const controls = controlsFor({ id: 'flicker' });
    controls.attach(smtc);
    controls.detach();
    controls.attach(smtc);
    controls.detach();
    expect(await controls.ready()).toBe(false);
    expect(await listed()).not.toContain('backbeat.flicker');
  });

  it('a name already taken: says so once and works without the bus', async () => {
    const first = await setup();
    const notes: string[] = [];
    const second = controlsFor({ id: first.id, notice: (m) => notes.push(m) });
    const smtc = new SystemMediaTransportControls();
    smtc.isNextEnabled = true;
    const pressed: string[] = [];
    smtc.on('buttonPressed', ({ button }) => pressed.push(button));
    second.attach(smtc);
    expect(await second.ready()).toBe(false);
    second.detach();
    second.attach(smtc);
    expect(await second.ready()).toBe(false);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/owned by another player/);
    expect(notes[0]).not.toContain('\n');
    await expect(second.press('next')).resolves.toBe(true);
    expect(pressed).toEqual(['next']);
    expect(await first.ctl('status')).toBe('Stopped');
  });

  it('an abstract socket: published with usocket, otherwise reported on one line', async () => {
    const own = await startPrivateBus({ abstract: true });
    cleanups.push(() => own.stop());
    expect(own.address).toMatch(/^unix:abstract=/);
    const notes: string[] = [];
    const controls = controlsFor({
      id: 'abstract',
      address: own.address,
      notice: (m) => notes.push(m),
    });
    controls.attach(new SystemMediaTransportControls());
    if (hasUsocket()) {
      expect(await controls.ready()).toBe(true);
      const { stdout } = await playerctl(own.address, ['-p', 'backbeat.abstract', 'status']);
      expect(stdout).toBe('Stopped');
    } else {
      expect(await controls.ready()).toBe(false);
      expect(notes).toEqual([expect.stringMatching(/need the optional `usocket` module$/)]);
    }
  });

  it('losing the bus: says so once and keeps working without it', async () => {
    const own = await startPrivateBus();
    cleanups.push(() => own.stop());
    const notes: string[] = [];
    const controls = controlsFor({
      id: 'lost',
      address: own.address,
      notice: (m) => notes.push(m),
    });
    const smtc = new SystemMediaTransportControls();
    controls.attach(smtc);
    expect(await controls.ready()).toBe(true);
    await own.stop();
    smtc.isPlayEnabled = true;
    // Each change tries to publish; one of them finds the bus gone.
    await waitFor(
      () => {
        smtc.playbackStatus = smtc.playbackStatus === 'playing' ? 'paused' : 'playing';
        return !controls.published;
      },
      { intervalMs: 50, what: 'the controls to notice the bus is gone' },
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/lost the D-Bus session bus/);
    const pressed: string[] = [];
    smtc.on('buttonPressed', ({ button }) => pressed.push(button));
    await expect(controls.press('play')).resolves.toBe(true);
    expect(pressed).toEqual(['play']);
    await controls.dispose();
  });
});
