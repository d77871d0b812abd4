// Plain-text table of results rows for stdout.

function formatNumber(x) {
  if (x === null || x === undefined) return 'n/a';
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

function status(row) {
  if (row.ratio === null) return 'n/a';
  if (row.met === undefined) return '-';
  return row.met ? 'ok' : 'MISS';
}

/**
 * Renders rows as an aligned text table, followed by one line per row that has a reason.
 *
 * @example
 * console.log(formatTable([{ id: 'rtt.call', value: 30, baseline: 20, ratio: 1.5, unit: 'us/call',
 *   target: 1.5, met: true, note: 'lower is better; target ratio <= 1.5' }]));
 */
export function formatTable(rows) {
  const header = ['id', 'value', 'baseline', 'ratio', 'unit', 'target', 'status'];
  const lines = rows.map((row) => [
    row.id,
    formatNumber(row.value),
    formatNumber(row.baseline),
    row.ratio === null ? 'n/a' : row.ratio.toFixed(3),
    row.unit,
    row.target === undefined
      ? '-'
      : `${row.note.includes('higher is better') ? '>=' : '<='} ${row.target}`,
    status(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells) =>
    cells
      .map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  const out = [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)];
  const reasons = rows.filter((row) => row.note.startsWith('n/a'));
  if (reasons.length) {
    out.push('');
    for (const row of reasons) out.push(`${row.id}: ${row.note.split('; ')[0]}`);
  }
  return out.join('\n');
}
