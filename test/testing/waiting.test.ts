import { waitFor } from 'backbeat/testing';
import { describe, expect, it } from 'vitest';

describe('waitFor', () => {
  it('resolves at once, with the value, when the condition already holds', async () => {
    let calls = 0;
    const value = await waitFor(() => {
      calls++;
      return { found: 'x' };
    });
    expect(value).toEqual({ found: 'x' });
    expect(calls).toBe(1);
  });

  it('resolves with the first truthy value once queued work makes the condition hold', async () => {
    const seen: string[] = [];
    setImmediate(() => seen.push('first'));
    setTimeout(() => seen.push('second'), 20);
    const found = await waitFor(() => seen.find((s) => s === 'second'), { what: 'second' });
    expect(found).toBe('second');
    expect(seen).toEqual(['first', 'second']);
  });

  it('rejects after timeoutMs, naming what was awaited and what was seen', async () => {
    const started = Date.now();
    let checks = 0;
    await expect(
      waitFor(
        () => {
          checks++;
          return false;
        },
        { timeoutMs: 30, what: 'the moon', seen: () => `${checks > 1 ? 'many' : 'one'} check` },
      ),
    ).rejects.toThrow(
      /^Timed out after 30 ms of real time waiting for the moon \(seen: many check\)$/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('checks every intervalMs when asked, not on every turn', async () => {
    let checks = 0;
    await expect(
      waitFor(
        () => {
          checks++;
          return false;
        },
        { timeoutMs: 100, intervalMs: 40 },
      ),
    ).rejects.toThrow(/waiting for a condition$/);
    // About one check every 40 ms over 100 ms; a check per turn would be hundreds.
    expect(checks).toBeGreaterThanOrEqual(2);
    expect(checks).toBeLessThanOrEqual(5);
  });

  it('passes on what the condition throws', async () => {
    await expect(
      waitFor(() => {
        throw new SyntaxError('bad check');
      }),
    ).rejects.toThrow(SyntaxError);
  });

  it('refuses a condition that returns a promise, which would always look true', async () => {
    await expect(waitFor(async () => false, { what: 'the flag' })).rejects.toThrow(
      /needs a synchronous condition; the one for the flag returned a promise/,
    );
  });

  it.each([
    [{ timeoutMs: -1 }, /timeoutMs must be a finite number >= 0, got `-1`/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a finite number >= 0, got `NaN`/],
    [{ intervalMs: 0 }, /intervalMs must be a finite number > 0, got `0`/],
    [{ intervalMs: Number.POSITIVE_INFINITY }, /intervalMs must be .* got `Infinity`/],
  ])('refuses %o, quoting it', async (options, message) => {
    await expect(waitFor(() => true, options)).rejects.toThrow(RangeError);
    await expect(waitFor(() => true, options)).rejects.toThrow(message);
  });
});
