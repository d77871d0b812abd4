// Key decoding: raw terminal input (as read in raw mode) to player actions.

const single = {
  ' ': 'playPause',
  k: 'playPause',
  n: 'next',
  N: 'next',
  p: 'previous',
  P: 'previous',
  '+': 'volumeUp',
  '=': 'volumeUp',
  '-': 'volumeDown',
  _: 'volumeDown',
  m: 'mute',
  M: 'mute',
  s: 'shuffle',
  S: 'shuffle',
  r: 'repeat',
  R: 'repeat',
  v: 'visibility',
  V: 'visibility',
  q: 'quit',
  Q: 'quit',
  '\x03': 'quit', // Ctrl-C
  '\x04': 'quit', // Ctrl-D
};

// Final byte of an escape sequence (CSI "ESC [ ... X" or SS3 "ESC O X") to action.
const arrows = { C: 'seekForward', D: 'seekBack', A: 'volumeUp', B: 'volumeDown' };

/** Actions sent to the background task as messages; the others go to the player proxy. */
export const taskActions = new Set(['next', 'previous', 'shuffle', 'repeat', 'quit']);

/**
 * Decodes a chunk of raw terminal input into actions, in order. Unknown keys are dropped;
 * a lone Escape is ignored.
 *
 * @example
 * decodeKeys(' n\x1b[C'); // ['playPause', 'next', 'seekForward']
 */
export function decodeKeys(chunk) {
  const text = String(chunk);
  const actions = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\x1b') {
      const kind = text[i + 1];
      if (kind === '[' || kind === 'O') {
        let j = i + 2;
        while (j < text.length && /[0-9;?]/.test(text[j])) j++;
        const final = text[j];
        if (final !== undefined && arrows[final]) actions.push(arrows[final]);
        i = j + 1;
        continue;
      }
      i += 1;
      continue;
    }
    const action = single[ch];
    if (action) actions.push(action);
    i += 1;
  }
  return actions;
}
