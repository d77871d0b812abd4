// gapless.gapSamples: samples of gap or overlap at each join when a list is rendered offline
// with renderToBuffer, against the concatenation of the decoded items. The baseline is 0, the
// physical limit, so the ratio is reported as the value itself.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadWebAudio } from '../fixtures/audio/app.mjs';
import { bestLag, concat, mediaDir, noise } from '../fixtures/audio/media.mjs';
import { makeRow, measureRounds, reasonOf } from '../harness.mjs';

const RATE = 44_100;
const ITEMS = 3;
/** Samples compared on each side of a join. */
const WINDOW = 2048;
/** Largest shift searched; a misalignment beyond it (or an unexplained mismatch) counts as this + 1. */
const MAX_LAG = 64;
/** Residual RMS above which a join is not a clean shift (e.g. overlapping items mixed). */
const CLEAN = 1e-5;

/** Item lengths for a round: 0.7–1.3 s, different every round, never a multiple of 64. */
export function lengthsFor(round) {
  return Array.from({ length: ITEMS }, (_, i) => {
    const n = 30_871 + ((round * 7_919 + i * 12_343) % 26_460);
    return n % 64 === 0 ? n + 1 : n;
  });
}

/**
 * Gap (positive) or lost/overlapped samples (negative) at a join: the shift across it, from
 * windows that stay `MAX_LAG` samples clear of the join (so a shift up to that shows cleanly).
 */
export function gapAt(out, reference, at) {
  const before = bestLag(out, reference, at - MAX_LAG - WINDOW, at - MAX_LAG, MAX_LAG);
  const after = bestLag(out, reference, at + MAX_LAG, at + MAX_LAG + WINDOW, MAX_LAG);
  if (before.rms > CLEAN || after.rms > CLEAN) return MAX_LAG + 1;
  return after.lag - before.lag;
}

/**
 * Compares a rendered or recorded list (`out`, its first sample at index 0) with the items it
 * played: the gap at each join, and the samples differing by more than 1e-6 over the whole list.
 */
export function compareJoins(out, items) {
  const reference = concat(items);
  const gaps = [];
  let at = 0;
  for (const item of items.slice(0, -1)) {
    at += item.length;
    gaps.push(gapAt(out, reference, at));
  }
  let mismatched = Math.abs(out.length - reference.length);
  for (let i = 0; i < Math.min(out.length, reference.length); i++) {
    if (Math.abs(out[i] - reference[i]) > 1e-6) mismatched++;
  }
  return { worst: Math.max(...gaps.map(Math.abs)), gaps, mismatched };
}

/**
 * The row of a gap measurement (`value` as measureRounds returns it, `details` one
 * compareJoins result per round). A ratio to a baseline of 0 means nothing: the ratio column
 * repeats the value (0 = exact) and the row is met only at 0.
 */
export function gaplessRow(id, value, details, extra = {}) {
  const zeros = value.samples.length ? value.samples.map(() => 0) : [0];
  const row = makeRow({
    id,
    unit: 'samples',
    better: 'lower',
    value,
    baseline: { samples: zeros, reason: null },
    extra: {
      joinsPerRound: ITEMS - 1,
      gapsPerRound: details.map((d) => d.gaps),
      mismatchedSamplesPerRound: details.map((d) => d.mismatched),
      ...extra,
    },
  });
  row.ratio = row.value;
  row.target = 0;
  if (row.value !== null) row.met = row.value <= 0;
  if (row.roundRatios) row.roundRatios = value.samples;
  row.note = row.note.replace(
    /lower is better; no target$/,
    'lower is better; target 0 samples; baseline 0 is the physical limit, so ratio = value',
  );
  return row;
}

async function measureRound(webAudio, dir, round) {
  const lengths = lengthsFor(round);
  const urls = lengths.map((n, i) =>
    dir.writeWav(`r${round}-${i}.wav`, [noise(n, round * 31 + i + 1)], RATE),
  );
  const rendered = await webAudio.renderToBuffer(urls);
  const decoded = [];
  for (const url of urls) {
    const bytes = new Uint8Array(await readFile(fileURLToPath(url)));
    decoded.push((await webAudio.decodeSource(bytes, url)).channels[0]);
  }
  return { ...compareJoins(rendered.channels[0], decoded), lengths };
}

/** Measures gapless.gapSamples over `config.rounds` lists of three WAV items each. */
export async function runAudioGapless(config) {
  let webAudio = null;
  let reason = null;
  let dir = null;
  try {
    webAudio = await loadWebAudio(['renderToBuffer', 'decodeSource', 'encodeWav']);
    dir = mediaDir(webAudio.encodeWav);
  } catch (error) {
    reason = reasonOf(error);
  }
  const details = [];
  try {
    const r = await measureRounds(
      config.rounds,
      {
        value:
          webAudio &&
          (async (round) => {
            const result = await measureRound(webAudio, dir, round);
            details.push(result);
            return result.worst;
          }),
      },
      config.timeoutMs,
    );
    if (reason !== null) r.value.reason = reason;
    return [gaplessRow('gapless.gapSamples', r.value, details)];
  } finally {
    dir?.remove();
  }
}
