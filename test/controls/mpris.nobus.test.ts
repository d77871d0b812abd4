import { afterAll, describe, expect, it, vi } from 'vitest';
import { SystemMediaTransportControls } from '../../src/actors/task/systemMediaTransportControls.ts';
import { createMprisControls } from '../../src/adapters/controls/mpris/index.ts';

const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
afterAll(() => {
  if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
});

describe('MPRIS controls without a session bus', () => {
  it('say so once, on one line, and work as plain controls', async () => {
    delete process.env.DBUS_SESSION_BUS_ADDRESS;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const controls = createMprisControls({ id: 'nobus' });
    expect(warn).toHaveBeenCalledTimes(1);
    const notice = String(warn.mock.calls[0]?.[0]);
    expect(notice).toMatch(/no D-Bus session bus/);
    expect(notice).not.toContain('\n');

    const notes: string[] = [];
    const again = createMprisControls({ id: 'nobus2', notice: (m) => notes.push(m) });
    const explicit = createMprisControls({ address: '', notice: (m) => notes.push(m) });
    expect(notes).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();

    const smtc = new SystemMediaTransportControls();
    smtc.isNextEnabled = true;
    const pressed: string[] = [];
    smtc.on('buttonPressed', ({ button }) => pressed.push(button));
    controls.attach(smtc);
    expect(controls.attached).toBe(true);
    expect(controls.state).toBe(smtc.getState());
    smtc.playbackStatus = 'playing';
    expect(controls.state?.playbackStatus).toBe('playing');
    await expect(controls.press('next')).resolves.toBe(true);
    expect(pressed).toEqual(['next']);
    expect(await controls.ready()).toBe(false);
    expect(controls.published).toBe(false);
    controls.detach();
    expect(controls.state).toBeNull();
    await expect(controls.press('next')).resolves.toBe(false);
    await Promise.all([controls.dispose(), again.dispose(), explicit.dispose()]);
  });

  it('an unreachable bus: say so once and work without it', async () => {
    const notes: string[] = [];
    const controls = createMprisControls({
      id: 'unreachable',
      address: 'unix:path=/nonexistent/backbeat/bus',
      notice: (m) => notes.push(m),
    });
    expect(notes).toEqual([]);
    const smtc = new SystemMediaTransportControls();
    smtc.isPlayEnabled = true;
    let presses = 0;
    smtc.on('buttonPressed', () => presses++);
    controls.attach(smtc);
    expect(await controls.ready()).toBe(false);
    controls.detach();
    controls.attach(smtc);
    expect(await controls.ready()).toBe(false);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/cannot connect .*`unix:path=\/nonexistent\/backbeat\/bus`/);
    expect(notes[0]).not.toContain('\n');
    await expect(controls.press('play')).resolves.toBe(true);
    expect(presses).toBe(1);
    await controls.dispose();
  });

  it('an unknown address kind is reported, not thrown', async () => {
    const notes: string[] = [];
    const controls = createMprisControls({
      address: 'carrier-pigeon:coop=1',
      notice: (m) => notes.push(m),
    });
    controls.attach(new SystemMediaTransportControls());
    expect(await controls.ready()).toBe(false);
    expect(notes[0]).toMatch(/carrier-pigeon/);
    await controls.dispose();
  });

  it('check their options, quoting the bad value', () => {
    expect(() => createMprisControls({ address: null, timeoutMs: -1 })).toThrow(/got `-1`/);
    expect(() => createMprisControls({ address: null, minimumRate: 2 })).toThrow(/got `2`/);
    expect(() => createMprisControls({ address: null, id: 5 as never })).toThrow(/got `5`/);
    expect(() => createMprisControls({ address: null, seekToleranceMs: Number.NaN })).toThrow(
      /got `NaN`/,
    );
  });
});
