/**
 * A silent, looping `<audio>` element. Chromium gives a page "gain" audio focus, controllable at
 * any time, only while a media element of at least 5 s plays a file on it; Web Audio takes
 * "ambient" focus and a `MediaStream` played by an element takes none. Playing this element at
 * volume 0 (muting it would make it ambient again) next to Web Audio gives the page gain focus.
 */
export interface SilentAudio {
  /** Plays (`playing`), pauses (`paused`) or empties (`off`) the element. */
  set(mode: 'playing' | 'paused' | 'off'): void;
}

const SAMPLE_RATE = 8_000;
const SECONDS = 6;

/** A 6 s, 8 kHz, 8-bit mono WAV file of silence. */
function silentWav(): Blob {
  const samples = SAMPLE_RATE * SECONDS;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE, true); // bytes per second
  view.setUint16(32, 1, true); // bytes per frame
  view.setUint16(34, 8, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, samples, true);
  bytes.fill(128, 44); // 8-bit PCM is unsigned: 128 is silence
  return new Blob([bytes], { type: 'audio/wav' });
}

/**
 * Creates the silent element on demand, or returns `null` where there is no document. A `play()`
 * the browser refuses (autoplay without a user gesture) is reported once through `refused` and
 * tried again on the page's next pointer or key press.
 */
export function createSilentAudio(refused: (error: unknown) => void): SilentAudio | null {
  const doc = (globalThis as { document?: Document }).document;
  if (doc === undefined || typeof URL.createObjectURL !== 'function') return null;
  let element: HTMLAudioElement | null = null;
  let url: string | null = null;
  let mode: 'playing' | 'paused' | 'off' = 'off';
  let waiting = false;

  const retry = () => {
    waiting = false;
    doc.removeEventListener('pointerdown', retry, true);
    doc.removeEventListener('keydown', retry, true);
    if (mode === 'playing') play();
  };

  function play(): void {
    if (element === null) {
      url ??= URL.createObjectURL(silentWav());
      element = doc!.createElement('audio');
      element.loop = true;
      element.volume = 0;
      element.preload = 'auto';
    }
    if (!element.src) element.src = url!;
    element.play().catch((error: unknown) => {
      if (mode !== 'playing') return;
      refused(error);
      if (waiting) return;
      waiting = true;
      doc!.addEventListener('pointerdown', retry, true);
      doc!.addEventListener('keydown', retry, true);
    });
  }

  return {
    set(next) {
      if (next === mode) return;
      mode = next;
      if (next === 'playing') play();
      else if (element !== null && next === 'paused') element.pause();
      else if (element !== null) {
        element.pause();
        element.removeAttribute('src');
        element.load();
      }
    },
  };
}
