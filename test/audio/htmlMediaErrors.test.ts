// The htmlMedia engine's error table (Chromium shows `sourceNotSupported` for real in
// test/browser/audioPlayback.test.ts; the other codes are hard to provoke on purpose).
import { describe, expect, it } from 'vitest';
import { elementErrorKind, elementErrorText } from '../../src/adapters/audio/htmlMedia/track.ts';

describe("the htmlMedia engine's element errors", () => {
  it('maps each MediaError code of an element to its MediaPlayerErrorKind', () => {
    expect([1, 2, 3, 4, 5, undefined].map(elementErrorKind)).toEqual([
      'aborted',
      'networkError',
      'decodingError',
      'sourceNotSupported',
      'unknown',
      'unknown',
    ]);
  });

  it("says what failed in words, with the browser's own message", () => {
    const element = (code: number, message: string) =>
      ({ error: { code, message } }) as unknown as HTMLMediaElement;
    expect(elementErrorText(element(2, 'net::ERR_CONNECTION_RESET'))).toBe(
      'a network error stopped loading (net::ERR_CONNECTION_RESET)',
    );
    expect(elementErrorText(element(3, ''))).toBe('the media could not be decoded');
    expect(elementErrorText({ error: null } as unknown as HTMLMediaElement)).toBe(
      'the media element failed',
    );
  });
});
