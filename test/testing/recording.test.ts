import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRecording } from 'backbeat/inspector';
import {
  createTestSystem,
  type LifecyclePath,
  lifecyclePaths,
  type TestSystem,
  type TestSystemOptions,
} from 'backbeat/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// The test kit records a system for the inspector, and path.run leaves the recording of a run
// that failed where the user can open it (`npx backbeat inspect FILE`).

const fixture = (path: string) => new URL(`../fixtures/${path}.mjs`, import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'backbeat-recordings-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `run-${++dirs}`, 'recordings');

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

const readRecording = (file: string) => loadRecording(JSON.parse(readFileSync(file, 'utf8')));

describe('createTestSystem({ record: true })', () => {
  it('records both sides on the virtual clock, and saves a recording that loads', async () => {
    const seen: string[] = [];
    system = createTestSystem({
      deviceFamily: 'mobile',
      record: true,
      inspect: (event) => seen.push(event.type),
    });
    expect(system.recorded).toBe(true);
    const app = system.launchApp({ id: 'music', task: fixture('policy/player') });
    const recorded = system.record(app);
    await system.waitFor(() => recorded.taskState === 'alive');
    await app.backgroundMediaPlayer.current.play();
    await system.advance(1_500);
    app.suspend();
    await system.advance(500);

    const recording = system.recording();
    const actors = Object.values(recording.actors);
    expect(actors.filter((a) => a.side === 'foreground').map((a) => a.name)).toEqual(
      expect.arrayContaining(['mediaSystem', 'app:music']),
    );
    const task = actors.filter((a) => a.side === 'task');
    expect(task.some((a) => /^music#[^/]+\/mediaPlayer$/.test(a.name))).toBe(true);
    for (const actor of actors) {
      if (actor.definition !== undefined)
        expect(recording.definitions).toHaveProperty([actor.definition]);
    }
    // Every entry is stamped with the virtual clock: in order, up to now, some after the play.
    const times = recording.entries.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThanOrEqual(system.clock.now());
    expect(times.some((t) => t >= 1_500)).toBe(true);
    expect(recording.entries.some((e) => e.side === 'task')).toBe(true);
    // The user's own `inspect` still receives the events.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toContain('@xstate.snapshot');

    const file = join(freshDir(), 'nested', 'music.json');
    await expect(system.saveRecording(file)).resolves.toBe(file);
    const saved = readRecording(file);
    expect(saved.entries.length).toBeGreaterThanOrEqual(recording.entries.length);
    expect(saved.entries.slice(0, recording.entries.length)).toEqual(recording.entries);
    expect(saved.actors).toMatchObject(recording.actors);
  });

  it('a system that does not record says how to make it record', () => {
    system = createTestSystem();
    expect(system.recorded).toBe(false);
    expect(() => system!.recording()).toThrow(
      expect.objectContaining({
        name: 'InvalidOperationError',
        message: expect.stringContaining('createTestSystem({ record: true })'),
      }),
    );
    expect(() => createTestSystem({ record: 'yes' as never })).toThrow(/got `yes`/);
  });
});

describe('path.run(system, app, { saveRecordingTo })', () => {
  const paths = lifecyclePaths({ deviceFamily: 'mobile' });
  const find = (description: string) => {
    const path = paths.find((p) => p.description === description);
    if (!path) throw new Error(`no path "${description}"`);
    return path;
  };
  const launch = (path: LifecyclePath, task: string, options: TestSystemOptions = {}) => {
    system = createTestSystem({
      deviceFamily: path.deviceFamily,
      inactivityTimeoutMs: 10_000,
      record: true,
      ...options,
    });
    return { system, app: system.launchApp({ id: 'app', task: fixture(task) }) };
  };
  const suspend = 'suspend ⇒ canceled (conditionLoss)';

  it('writes nothing when the run goes as the path predicts', async () => {
    const path = find('play → pause → suspend → inactivity timeout elapses ⇒ canceled (idleTask)');
    const { system: s, app } = launch(path, 'policy/player');
    const dir = freshDir();
    const run = await path.run(s, app, { saveRecordingTo: dir });
    expect(run.ending).toEqual(path.expected);
    expect(run.outcome).toBe('completed');
    expect(run.recordingFile).toBeNull();
    expect(existsSync(dir)).toBe(false);
  });

  it('a task that never completes its deferral: the run names the recording it wrote', async () => {
    const path = find(suspend);
    const { system: s, app } = launch(path, 'policy/stubborn', { cancellationGraceMs: 3_000 });
    const dir = freshDir();
    const run = await path.run(s, app, { saveRecordingTo: dir });
    expect(run.ending).toEqual(path.expected); // canceled as predicted, but
    expect(run.outcome).toBe('terminated'); // it did not complete in the grace period
    expect(run.recordingFile).toBe(join(dir, 'suspend-canceled-conditionloss.json'));
    expect(readdirSync(dir)).toEqual(['suspend-canceled-conditionloss.json']);
    const recording = readRecording(run.recordingFile!);
    // What the test saw: the app's task actors and entries up to its termination.
    const names = Object.values(recording.actors).map((a) => a.name);
    expect(names).toContain('app:app');
    expect(names.some((n) => n.startsWith(`${run.instanceId}/`))).toBe(true);
    expect(Math.max(...recording.entries.map((e) => e.time))).toBeGreaterThanOrEqual(3_000);
  });

  it('a run that throws: the error gains `recording: FILE`, and the file loads', async () => {
    const path = find(suspend);
    const { system: s, app } = launch(path, 'tasks/noDeferral');
    const dir = freshDir();
    const error = await path.run(s, app, { saveRecordingTo: dir }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toMatchObject({ code: 'LIFECYCLE_PATH_DIVERGED' });
    const file = error?.message.match(/\nrecording: (.+)$/)?.[1];
    expect(file).toBe(join(dir, 'suspend-canceled-conditionloss.json'));
    expect(error?.stack).toContain(`recording: ${file}`);
    const recording = readRecording(file!);
    expect(Object.values(recording.actors).some((a) => a.side === 'task')).toBe(true);
  });

  it('needs a recording system, and a directory', async () => {
    const path = find(suspend);
    system = createTestSystem({ deviceFamily: 'mobile' });
    const app = system.launchApp({ id: 'app', task: fixture('policy/player') });
    await expect(path.run(system, app, { saveRecordingTo: freshDir() })).rejects.toThrow(
      /createTestSystem\(\{ record: true \}\)/,
    );
    await expect(path.run(system, app, { saveRecordingTo: '' })).rejects.toThrow(
      /saveRecordingTo must be a directory path, got ``/,
    );
    expect(app.instanceId).toBeNull(); // refused before the run started anything
  });
});
