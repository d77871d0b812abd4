import { describe, expect, it } from 'vitest';
import { SystemMediaTransportControls } from '../../src/actors/task/systemMediaTransportControls.ts';
import type { ControlsTarget } from '../../src/adapters/controls/types.ts';
import { createVirtualControls, HISTORY_KEPT } from '../../src/adapters/controls/virtual.ts';
import { InvalidOperationError, TaskUnavailableError } from '../../src/errors.ts';
import type {
  DeliveryOutcome,
  SystemMediaTransportControlsRequest,
} from '../../src/protocol/controls.ts';

function setup() {
  const smtc = new SystemMediaTransportControls();
  const controls = createVirtualControls();
  controls.attach(smtc);
  return { smtc, controls };
}

describe('virtual controls', () => {
  it('press("next") reaches the attached controls synchronously and resolves true', async () => {
    const { smtc, controls } = setup();
    smtc.isNextEnabled = true;
    const pressed: string[] = [];
    smtc.on('buttonPressed', ({ button }) => pressed.push(button));
    const result = controls.press('next');
    expect(pressed).toEqual(['next']);
    await expect(result).resolves.toBe(true);
    expect(controls.history).toEqual([
      { request: { type: 'buttonPressed', button: 'next' }, outcome: 'delivered' },
    ]);
    expect(controls.unhandledCount).toBe(0);
  });

  it('a disabled button is not delivered: false, recorded as ignored on both sides', async () => {
    const { smtc, controls } = setup();
    const pressed: string[] = [];
    smtc.on('buttonPressed', ({ button }) => pressed.push(button));
    await expect(controls.press('play')).resolves.toBe(false);
    expect(pressed).toEqual([]);
    expect(controls.history.at(-1)?.outcome).toBe('ignored');
    expect(smtc.ignoredRequests).toHaveLength(1);
    expect(controls.unhandledCount).toBe(1);
  });

  it('an enabled press with no app listener is unhandled', async () => {
    const { smtc, controls } = setup();
    smtc.isPauseEnabled = true;
    await expect(controls.press('pause')).resolves.toBe(false);
    expect(controls.history.at(-1)?.outcome).toBe('unhandled');
  });

  it('a press with nothing attached is reported, counted, and never delivered later', async () => {
    const controls = createVirtualControls();
    await expect(controls.press('play')).resolves.toBe(false);
    expect(controls.history).toEqual([
      { request: { type: 'buttonPressed', button: 'play' }, outcome: 'noTarget' },
    ]);
    expect(controls.unhandledCount).toBe(1);
    const smtc = new SystemMediaTransportControls();
    smtc.isPlayEnabled = true;
    const pressed: string[] = [];
    smtc.on('buttonPressed', ({ button }) => pressed.push(button));
    controls.attach(smtc);
    expect(pressed).toEqual([]);
  });

  it('change requests carry their values', async () => {
    const { smtc, controls } = setup();
    const heard: unknown[] = [];
    smtc.on('playbackPositionChangeRequested', (e) => heard.push(e.requestedPlaybackPosition));
    smtc.on('playbackRateChangeRequested', (e) => heard.push(e.requestedPlaybackRate));
    smtc.on('shuffleEnabledChangeRequested', (e) => heard.push(e.requestedShuffleEnabled));
    smtc.on('autoRepeatModeChangeRequested', (e) => heard.push(e.requestedAutoRepeatMode));
    await expect(controls.requestPosition(90_000)).resolves.toBe(true);
    await expect(controls.requestRate(2)).resolves.toBe(true);
    await expect(controls.requestShuffle(true)).resolves.toBe(true);
    await expect(controls.requestRepeat('track')).resolves.toBe(true);
    expect(heard).toEqual([90_000, 2, true, 'track']);
  });

  it('the sound level reaches propertyChanged', async () => {
    const { smtc, controls } = setup();
    const changes: string[] = [];
    smtc.on('propertyChanged', ({ property }) => changes.push(property));
    await expect(controls.setSoundLevel('low')).resolves.toBe(true);
    expect(changes).toEqual(['soundLevel']);
    expect(smtc.soundLevel).toBe('low');
  });

  it('bad arguments throw a TypeError at once, even with nothing attached', () => {
    const controls = createVirtualControls();
    expect(() => controls.press('eject' as never)).toThrow(TypeError);
    expect(() => controls.requestPosition(-1)).toThrow(/got `-1`/);
    expect(() => controls.requestRate(Number.POSITIVE_INFINITY)).toThrow(/got `Infinity`/);
    expect(() => controls.requestShuffle('on' as never)).toThrow(/got `on`/);
    expect(() => controls.requestRepeat('all' as never)).toThrow(/got `all`/);
    expect(controls.history).toEqual([]);
  });
});

describe('state mirror', () => {
  it('mirrors the published state, metadata only after update()', () => {
    const { smtc, controls } = setup();
    expect(controls.attached).toBe(true);
    expect(controls.state).toBe(smtc.getState());
    smtc.playbackStatus = 'playing';
    expect(controls.state?.playbackStatus).toBe('playing');
    smtc.displayUpdater.musicProperties.title = 'Song';
    expect(controls.state?.display.musicProperties.title).toBe('');
    smtc.displayUpdater.update();
    expect(controls.state?.display.musicProperties.title).toBe('Song');
    smtc.updateTimelineProperties({ endTime: 1000, maxSeekTime: 1000, position: 10 });
    expect(controls.state?.timeline.position).toBe(10);
  });

  it('picks up state published before attach, and announces each change', () => {
    const smtc = new SystemMediaTransportControls();
    smtc.isNextEnabled = true;
    const controls = createVirtualControls();
    const seen: (boolean | null)[] = [];
    controls.on('stateChanged', (state) => seen.push(state ? state.isNextEnabled : null));
    controls.attach(smtc);
    smtc.isNextEnabled = false;
    controls.detach();
    expect(seen).toEqual([true, false, null]);
  });

  it('detach stops the mirror and later requests are noTarget', async () => {
    const { smtc, controls } = setup();
    smtc.isPlayEnabled = true;
    let presses = 0;
    smtc.on('buttonPressed', () => presses++);
    controls.detach();
    expect(controls.attached).toBe(false);
    expect(controls.state).toBeNull();
    smtc.playbackStatus = 'paused';
    expect(controls.state).toBeNull();
    await expect(controls.press('play')).resolves.toBe(false);
    expect(presses).toBe(0);
    expect(controls.history.at(-1)?.outcome).toBe('noTarget');
    controls.detach(); // again: nothing happens
  });

  it('attaching over another target throws; the same target again is a no-op', () => {
    const { smtc, controls } = setup();
    expect(() => controls.attach(smtc)).not.toThrow();
    expect(() => controls.attach(new SystemMediaTransportControls())).toThrow(
      InvalidOperationError,
    );
    controls.detach();
    const other = new SystemMediaTransportControls();
    controls.attach(other);
    expect(controls.state).toBe(other.getState());
  });

  it('reports each answered request', async () => {
    const { controls } = setup();
    const outcomes: string[] = [];
    controls.on('request', (entry) => outcomes.push(entry.outcome));
    await controls.press('stop');
    expect(outcomes).toEqual(['ignored']);
  });

  it('keeps the last records only', async () => {
    const controls = createVirtualControls();
    for (let i = 0; i < HISTORY_KEPT + 3; i++) await controls.press('play');
    expect(controls.history).toHaveLength(HISTORY_KEPT);
    expect(controls.unhandledCount).toBe(HISTORY_KEPT + 3);
  });
});

describe('a target across a boundary', () => {
  function remoteTarget(
    answer: (request: SystemMediaTransportControlsRequest) => Promise<DeliveryOutcome>,
  ): ControlsTarget {
    const smtc = new SystemMediaTransportControls();
    return {
      getState: () => smtc.getState(),
      on: (type, listener) => smtc.on(type, listener),
      deliver: answer,
    };
  }

  it('waits for an asynchronous answer', async () => {
    const received: SystemMediaTransportControlsRequest[] = [];
    const controls = createVirtualControls();
    controls.attach(
      remoteTarget(async (request) => {
        received.push(request);
        return 'delivered';
      }),
    );
    await expect(controls.press('previous')).resolves.toBe(true);
    expect(received).toEqual([{ type: 'buttonPressed', button: 'previous' }]);
    expect(controls.history.at(-1)?.outcome).toBe('delivered');
  });

  it('a failed delivery rejects and is recorded as failed, never lost', async () => {
    const controls = createVirtualControls();
    controls.attach(
      remoteTarget(async () => {
        throw new TaskUnavailableError('terminated');
      }),
    );
    await expect(controls.press('play')).rejects.toBeInstanceOf(TaskUnavailableError);
    expect(controls.history.at(-1)?.outcome).toBe('failed');
    expect(controls.unhandledCount).toBe(1);
  });

  it('a synchronous throw rejects too', async () => {
    const controls = createVirtualControls();
    const target = remoteTarget(async () => 'delivered');
    target.deliver = () => {
      throw new TaskUnavailableError('crashed');
    };
    controls.attach(target);
    await expect(controls.requestRate(1)).rejects.toBeInstanceOf(TaskUnavailableError);
    expect(controls.history.at(-1)?.outcome).toBe('failed');
  });
});
