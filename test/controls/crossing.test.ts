import { createMediaSystem, type MediaSystem, type ValueSet } from 'backbeat';
import { waitFor } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtcStateSchema } from '../../src/protocol/controls.ts';

const publisher = new URL('./fixtures/publisher.mjs', import.meta.url);
const hosts = ['worker', 'process', 'inline'] as const;

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

async function launch(host: (typeof hosts)[number]) {
  system = createMediaSystem();
  const { controls } = system;
  const bmp = system.launchApp({ id: 'c', task: publisher, host }).backgroundMediaPlayer;
  const received: ValueSet[] = [];
  bmp.on('messageReceivedFromBackground', ({ data }) => received.push(data));
  await waitFor(() => controls.state?.isNextEnabled === true, {
    what: "the task's first published state",
  });
  /** The first message of `type` from the task from now on. */
  const next = async (type: string): Promise<ValueSet> => {
    const from = received.length;
    const find = () => received.slice(from).find((data) => data.type === type);
    await waitFor(() => find() !== undefined, { what: `the task's '${type}' message` });
    const found = find();
    if (!found) throw new Error(`no '${type}' message`);
    return found;
  };
  return { bmp, controls, received, next };
}

describe.each(hosts)('the controls contract on the %s host', (host) => {
  it('the published state crosses whole, frozen, and within the contract', async () => {
    const { bmp, controls, next } = await launch(host);
    const first = controls.state;
    expect(first).toMatchObject({ isEnabled: true, isPlayEnabled: true, isNextEnabled: true });
    expect(SmtcStateSchema.parse(first)).toEqual(first);

    const published = next('published');
    bmp.sendMessageToBackground({ type: 'publish' });
    const { state } = await published;
    await waitFor(() => controls.state?.timeline.position === 42_500, {
      what: 'the last published change to be mirrored',
    });
    const mirrored = controls.state;
    expect(mirrored).toEqual(state);
    expect(mirrored).toMatchObject({
      playbackStatus: 'playing',
      autoRepeatMode: 'list',
      shuffleEnabled: true,
      playbackRate: 1.5,
      display: {
        type: 'music',
        musicProperties: { title: 'Song', artist: 'Artist', trackNumber: 7 },
        thumbnail: 'https://example.com/cover.png',
      },
      timeline: { endTime: 180_000, maxSeekTime: 180_000, position: 42_500 },
    });
    const parsed = SmtcStateSchema.parse(mirrored);
    expect(parsed).toEqual(mirrored);
    expect(Object.isFrozen(parsed.display.musicProperties)).toBe(true);
  });

  it('every kind of request reaches the task with its value; a disabled button does not', async () => {
    const { controls, next } = await launch(host);
    const cases: [() => Promise<boolean>, string, Record<string, unknown>][] = [
      [() => controls.press('next'), 'buttonPressed', { button: 'next' }],
      [
        () => controls.requestPosition(30_000),
        'playbackPositionChangeRequested',
        { requestedPlaybackPosition: 30_000 },
      ],
      [
        () => controls.requestRate(0.5),
        'playbackRateChangeRequested',
        { requestedPlaybackRate: 0.5 },
      ],
      [
        () => controls.requestShuffle(true),
        'shuffleEnabledChangeRequested',
        { requestedShuffleEnabled: true },
      ],
      [
        () => controls.requestRepeat('track'),
        'autoRepeatModeChangeRequested',
        { requestedAutoRepeatMode: 'track' },
      ],
      [
        () => controls.setSoundLevel('muted'),
        'propertyChanged',
        { property: 'soundLevel', soundLevel: 'muted' },
      ],
    ];
    for (const [send, type, fields] of cases) {
      const heard = next(type);
      await expect(send()).resolves.toBe(true);
      expect(await heard).toEqual({ type, soundLevel: expect.any(String), ...fields });
    }
    await expect(controls.press('rewind')).resolves.toBe(false);
    expect(controls.history.map((r) => r.outcome)).toEqual([
      ...cases.map(() => 'delivered'),
      'ignored',
    ]);
  });

  it('a malformed request is refused at the adapter, quoting it; nothing is sent', async () => {
    const { controls } = await launch(host);
    expect(() => controls.press('eject' as never)).toThrow(
      /must be one of 'play', .*, got `eject`\n {2}→ at button/,
    );
    expect(() => controls.requestPosition(-1)).toThrow(
      /must be a finite number >= 0, got `-1`\n {2}→ at requestedPlaybackPosition/,
    );
    expect(() => controls.requestRepeat('all' as never)).toThrow(/got `all`/);
    expect(controls.history).toEqual([]);
    await expect(controls.press('next')).resolves.toBe(true);
  });
});
