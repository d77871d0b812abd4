// The interactive terminal: alternate screen, hidden cursor, raw keys, redraws, and the
// promise that all of it is undone on the way out, however the way out is taken.

const ESC = '\x1b[';
const styles = { bold: `${ESC}1m`, dim: `${ESC}2m`, accent: `${ESC}1;36m` };

/**
 * Whether the locale says the terminal speaks UTF-8 (else the UI draws with ASCII only).
 *
 * @example
 * localeIsUtf8({ LANG: 'en_US.UTF-8' }); // true
 */
export function localeIsUtf8(env = process.env) {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/**
 * Takes over a TTY: `start(onKeys)` enters raw mode and the alternate screen, `draw(lines)`
 * repaints, `restore()` undoes everything (idempotent; also run on process exit).
 *
 * @example
 * const term = openTerminal(process.stdin, process.stdout);
 * term.start((chunk) => console.error(JSON.stringify(chunk)));
 * term.draw([{ text: 'hello', style: 'bold' }]);
 * term.restore();
 */
export function openTerminal(input, output, { color = !process.env.NO_COLOR } = {}) {
  let active = false;
  let onData = null;
  let last = '';

  const restore = () => {
    if (!active) return;
    active = false;
    if (onData) input.off('data', onData);
    try {
      input.setRawMode(false);
    } catch {}
    input.pause();
    output.write(`${ESC}0m${ESC}?25h${ESC}?1049l`);
    process.off('exit', restore);
  };

  return {
    get size() {
      return { columns: output.columns || 80, rows: output.rows || 24 };
    },
    start(onKeys) {
      if (active) return;
      active = true;
      process.on('exit', restore);
      output.write(`${ESC}?1049h${ESC}?25l${ESC}2J${ESC}H`);
      input.setRawMode(true);
      input.setEncoding('utf8');
      onData = (chunk) => onKeys(chunk);
      input.on('data', onData);
      input.resume();
    },
    draw(lines) {
      if (!active) return;
      const width = this.size.columns;
      const body = lines
        .map(({ text, style }) => {
          const shown = color && style && styles[style] ? `${styles[style]}${text}${ESC}0m` : text;
          return [...text].length < width ? `${shown}${ESC}K` : shown;
        })
        .join('\r\n');
      const frame = `${ESC}H${body}${ESC}J`;
      if (frame === last) return;
      last = frame;
      output.write(frame);
    },
    invalidate() {
      last = '';
    },
    restore,
    get active() {
      return active;
    },
  };
}

/**
 * Sends what is written to standard error (notices of the audio output or the media
 * controls, from this thread, a worker or a child process) to `onLine` instead of the screen.
 * Returns the function that puts standard error back.
 *
 * @example
 * const release = captureStderr((line) => log(line));
 * release();
 */
export function captureStderr(onLine) {
  const stream = process.stderr;
  const original = stream.write;
  let pending = '';
  stream.write = (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line.trim());
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  };
  return () => {
    stream.write = original;
    if (pending.trim()) onLine(pending.trim());
    pending = '';
  };
}
