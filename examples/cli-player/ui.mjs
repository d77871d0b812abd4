// Rendering of the player's view: pure functions from a view model to lines of text. The
// terminal screen (renderScreen) and the plain line output (formatEventLine) both live here.

const glyphs = {
  unicode: {
    play: '▶',
    pause: '‖',
    stop: '■',
    wait: '…',
    done: '━',
    todo: '─',
    rule: '─',
    dot: '·',
    left: '←',
    right: '→',
  },
  ascii: {
    play: '>',
    pause: '||',
    stop: '#',
    wait: '...',
    done: '=',
    todo: '-',
    rule: '-',
    dot: '|',
    left: '<-',
    right: '->',
  },
};

/**
 * Formats milliseconds as m:ss (or h:mm:ss); unknown or endless durations as --:--.
 *
 * @example
 * formatTime(83_400); // '1:23'
 */
export function formatTime(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '--:--';
  const total = Math.floor(ms / 1000);
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60);
  if (m < 60) return `${m}:${s}`;
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${s}`;
}

/**
 * A progress bar of `width` cells for position out of duration.
 *
 * @example
 * progressBar(30_000, 60_000, 10, false); // '=====-----'
 */
export function progressBar(position, duration, width, unicode = true) {
  const g = unicode ? glyphs.unicode : glyphs.ascii;
  const cells = Math.max(0, Math.floor(width));
  const known = Number.isFinite(duration) && duration > 0;
  const ratio = known ? Math.min(1, Math.max(0, position / duration)) : 0;
  const filled = Math.round(ratio * cells);
  return g.done.repeat(filled) + g.todo.repeat(cells - filled);
}

const stateLabels = {
  playing: 'Playing',
  paused: 'Paused',
  opening: 'Opening',
  buffering: 'Buffering',
  stopped: 'Stopped',
  closed: 'Stopped',
};

/**
 * The player state as shown: a glyph and a word.
 *
 * @example
 * stateLabel('paused', false); // '|| Paused'
 */
export function stateLabel(state, unicode = true) {
  const g = unicode ? glyphs.unicode : glyphs.ascii;
  const glyph =
    state === 'playing'
      ? g.play
      : state === 'paused'
        ? g.pause
        : state === 'opening' || state === 'buffering'
          ? g.wait
          : g.stop;
  return `${glyph} ${stateLabels[state] ?? String(state)}`;
}

/**
 * Seconds since start, as the event log shows them.
 *
 * @example
 * formatStamp(1234); // '  1.2s'
 */
export function formatStamp(ms) {
  return `${(Math.max(0, ms) / 1000).toFixed(1).padStart(5)}s`;
}

/**
 * One event as a plain output line.
 *
 * @example
 * formatEventLine({ at: 420, text: 'task running' }); // '[  0.4s] task running'
 */
export function formatEventLine(event) {
  return `[${formatStamp(event.at)}] ${event.text}`;
}

/**
 * Cuts `text` to `width` characters (code points), marking a cut with an ellipsis.
 *
 * @example
 * clip('Drift in A Minor', 8, false); // 'Drift i.'
 */
export function clip(text, width, unicode = true) {
  const chars = [...String(text)];
  if (chars.length <= width) return chars.join('');
  if (width <= 0) return '';
  const mark = unicode ? '…' : '.';
  return chars.slice(0, Math.max(0, width - 1)).join('') + mark;
}

function spread(left, right, width) {
  const gap = width - [...left].length - [...right].length;
  return gap >= 1 ? left + ' '.repeat(gap) + right : `${left} ${right}`;
}

/**
 * The terminal screen: exactly `rows` lines, none wider than `columns`. Each line is
 * `{ text, style }` where style is '', 'bold', 'dim' or 'accent' (applied by the terminal).
 *
 * @example
 * const lines = renderScreen(view, { columns: 100, rows: 30 });
 */
export function renderScreen(view, { columns, rows }) {
  const u = view.unicode !== false;
  const g = u ? glyphs.unicode : glyphs.ascii;
  const width = Math.max(20, columns);
  const inner = width - 2;
  const out = [];
  const line = (text = '', style = '') => out.push({ text: clip(` ${text}`, width, u), style });
  const rule = () => out.push({ text: g.rule.repeat(width), style: 'dim' });

  const task = view.taskState ? `task ${view.taskState}` : 'task not started';
  const where = `${view.device} ${g.dot} ${view.host} host ${g.dot} ${task}`;
  line(spread('Backbeat Play', where, inner), 'accent');
  rule();

  const count = view.count ?? 0;
  const position = view.index >= 0 && count > 0 ? `track ${view.index + 1} of ${count}` : '';
  if (view.ended) {
    line(spread(`${g.stop} End of playlist`, `${count} tracks`, inner), 'bold');
    line('n or p plays again, q quits');
    line('');
  } else {
    line(spread(stateLabel(view.state, u), position, inner), 'bold');
    line(view.title || (view.index >= 0 ? '(untitled)' : 'Loading...'), 'accent');
    line(view.artist ? `by ${view.artist}` : '');
  }
  line('');
  const start = formatTime(view.position);
  const end = formatTime(view.duration);
  const barWidth = Math.max(5, inner - start.length - end.length - 4);
  line(`${start}  ${progressBar(view.position, view.duration, barWidth, u)}  ${end}`);
  line('');
  const volume = view.muted ? 'muted' : `${Math.round((view.volume ?? 1) * 100)}%`;
  const flags = [
    `volume ${volume}`,
    `shuffle ${view.shuffle ? 'on' : 'off'}`,
    `repeat ${view.repeat ? 'on' : 'off'}`,
    view.visible === false ? 'foreground hidden' : '',
  ].filter(Boolean);
  line(flags.join('    '));
  rule();
  line('Events', 'bold');

  const footer = [
    'space play/pause',
    'n next',
    'p prev',
    `${g.left}/${g.right} seek`,
    '+/- volume',
    'm mute',
    's shuffle',
    'r repeat',
    'v hide',
    'q quit',
  ].join('  ');
  const room = Math.max(0, rows - out.length - 2);
  const events = (view.events ?? []).slice(-room);
  for (const event of events) line(`${formatStamp(event.at)}  ${event.text}`, event.style ?? '');
  while (out.length < rows - 2) line('');
  rule();
  line(footer, 'dim');
  return out.slice(0, Math.max(0, rows));
}
