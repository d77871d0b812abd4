/**
 * The page's data: a {@link Recording} as it grows by feed deltas, with the indexes the views
 * read it through. Everything the page shows at a point in time (an entry's seq) comes from
 * here: each actor's latest snapshot at or before that seq (per-actor seq index, binary search),
 * the events in order, and the active state paths of a snapshot.
 *
 * @packageDocumentation
 */
import {
  type FeedMessage,
  type RecordedActor,
  type Recording,
  type RecordingEntry,
  RecordingSchema,
} from '../../protocol/recording.js';

/** What the page shows of a recording that failed to load: where it is wrong and how. */
export class RecordingLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingLoadError';
  }
}

/** At most this many schema issues are named in one error message. */
const MAX_ISSUES = 3;

/** The first issues of a failed parse, each as `path: message`. */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  const named = issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
  if (issues.length > MAX_ISSUES) named.push(`and ${issues.length - MAX_ISSUES} more`);
  return named.join('; ');
}

/** Parses the text of a recording file; throws {@link RecordingLoadError} naming what is wrong. */
export function parseRecordingText(text: string): Recording {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RecordingLoadError(`not JSON (${(error as Error).message})`);
  }
  return parseRecording(json);
}

/** Validates a recording; throws {@link RecordingLoadError} naming what is wrong. */
export function parseRecording(json: unknown): Recording {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RecordingLoadError(
      `not a recording: expected an object with format "backbeat.recording", got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`,
    );
  }
  const format = (json as { format?: unknown }).format;
  if (format !== 'backbeat.recording') {
    throw new RecordingLoadError(
      `not a recording: format is ${JSON.stringify(format) ?? 'missing'}, expected "backbeat.recording"`,
    );
  }
  const result = RecordingSchema.safeParse(json);
  if (!result.success) throw new RecordingLoadError(describeIssues(result.error.issues));
  return result.data;
}

/** The types of record that carry an actor's snapshot. */
const SNAPSHOT_TYPES = new Set(['@xstate.actor', '@xstate.snapshot', '@xstate.microstep']);

/** One actor's snapshots by seq, in order. */
interface SnapshotIndex {
  seqs: number[];
  snapshots: unknown[];
}

/** An actor's snapshot at a point in time, with the seq it was recorded at. */
export interface SnapshotAt {
  seq: number;
  snapshot: unknown;
}

/** The largest index `i` with `sorted[i] <= value`, or -1. */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The actor's status from a snapshot (`active`, `done`, `error`, `stopped`), if it has one. */
export function statusOf(snapshot: unknown): string | undefined {
  if (typeof snapshot !== 'object' || snapshot === null) return undefined;
  const status = (snapshot as { status?: unknown }).status;
  return typeof status === 'string' ? status : undefined;
}

/** The set of active state paths (joined with `.`, ancestors included) of a state value. */
export function activePaths(value: unknown): Set<string> {
  const paths = new Set<string>();
  const walk = (v: unknown, prefix: string): void => {
    if (typeof v === 'string') {
      paths.add(prefix ? `${prefix}.${v}` : v);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    for (const [key, child] of Object.entries(v)) {
      const path = prefix ? `${prefix}.${key}` : key;
      paths.add(path);
      walk(child, path);
    }
  };
  walk(value, '');
  return paths;
}

/** The event type of an `@xstate.event` entry (`?` when it has none). */
export function eventTypeOf(entry: RecordingEntry): string {
  const event = entry.record.event;
  if (typeof event === 'object' && event !== null) {
    const type = (event as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return '?';
}

/**
 * A recording and its indexes. `apply` folds in feed messages; the `version` counter moves on
 * every change so views can skip work when nothing changed.
 */
export class RecordingModel {
  recording: Recording;
  /** Entries of type `@xstate.event`, in seq order. */
  events: RecordingEntry[] = [];
  /** Every entry's seq, in order (the timeline's scale). */
  seqs: number[] = [];
  version = 0;
  #snapshots = new Map<string, SnapshotIndex>();
  /** Seq of each actor's first record. */
  #born = new Map<string, number>();

  constructor(recording: Recording) {
    this.recording = recording;
    this.#reindex();
  }

  /** Replaces the whole recording. */
  load(recording: Recording): void {
    this.recording = recording;
    this.#reindex();
  }

  /** Folds in a feed message (`hello` is ignored). */
  apply(message: FeedMessage): void {
    if (message.kind === 'recording') this.load(message.recording);
    else if (message.kind === 'delta') {
      Object.assign(this.recording.definitions, message.definitions);
      Object.assign(this.recording.actors, message.actors);
      const last = this.seqs[this.seqs.length - 1] ?? -1;
      const ordered = message.entries.every(
        (entry, i) => entry.seq > (i === 0 ? last : (message.entries[i - 1] as RecordingEntry).seq),
      );
      if (ordered) {
        for (const entry of message.entries) {
          this.recording.entries.push(entry);
          this.#index(entry);
        }
        this.version++;
      } else {
        // out of order or repeated entries: merge by seq (a repeated seq keeps the first)
        const bySeq = new Map<number, RecordingEntry>();
        for (const entry of [...this.recording.entries, ...message.entries]) {
          if (!bySeq.has(entry.seq)) bySeq.set(entry.seq, entry);
        }
        this.recording.entries = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
        this.#reindex();
      }
    }
  }

  #reindex(): void {
    this.events = [];
    this.seqs = [];
    this.#snapshots.clear();
    this.#born.clear();
    for (const entry of this.recording.entries) this.#index(entry);
    this.version++;
  }

  #index(entry: RecordingEntry): void {
    this.seqs.push(entry.seq);
    const { record } = entry;
    if (!this.#born.has(record.sessionId)) this.#born.set(record.sessionId, entry.seq);
    if (record.type === '@xstate.event') this.events.push(entry);
    if (SNAPSHOT_TYPES.has(record.type) && record.snapshot !== undefined) {
      let index = this.#snapshots.get(record.sessionId);
      if (!index) {
        index = { seqs: [], snapshots: [] };
        this.#snapshots.set(record.sessionId, index);
      }
      index.seqs.push(entry.seq);
      index.snapshots.push(record.snapshot);
    }
  }

  /** The actor's latest snapshot at or before `seq`. */
  snapshotAt(sessionId: string, seq: number): SnapshotAt | undefined {
    const index = this.#snapshots.get(sessionId);
    if (!index) return undefined;
    const i = lastAtOrBefore(index.seqs, seq);
    return i < 0 ? undefined : { seq: index.seqs[i] as number, snapshot: index.snapshots[i] };
  }

  /** Whether the actor had appeared by `seq` (actors with no record count as always there). */
  existsAt(sessionId: string, seq: number): boolean {
    const born = this.#born.get(sessionId);
    return born === undefined || born <= seq;
  }

  /** The newest seq, or -1 for an empty recording. */
  get lastSeq(): number {
    return this.seqs[this.seqs.length - 1] ?? -1;
  }

  /** The entry with this seq. */
  entryAt(seq: number): RecordingEntry | undefined {
    const i = lastAtOrBefore(this.seqs, seq);
    const entry = i < 0 ? undefined : this.recording.entries[i];
    return entry?.seq === seq ? entry : undefined;
  }

  /** The index of the last `@xstate.event` at or before `seq` in {@link events}, or -1. */
  eventIndexAt(seq: number): number {
    let lo = 0;
    let hi = this.events.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.events[mid] as RecordingEntry).seq <= seq) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  actor(sessionId: string | undefined): RecordedActor | undefined {
    return sessionId === undefined ? undefined : this.recording.actors[sessionId];
  }

  /** Every app id the recording's actors belong to, sorted. */
  apps(): string[] {
    const apps = new Set<string>();
    for (const actor of Object.values(this.recording.actors)) {
      if (actor.appId !== undefined) apps.add(actor.appId);
    }
    return [...apps].sort();
  }
}

/** An empty recording (what the page shows before its source answers). */
export function emptyRecording(): Recording {
  return {
    format: 'backbeat.recording',
    version: 1,
    startedAt: 0,
    definitions: {},
    actors: {},
    entries: [],
  };
}

/** `+1.250 s`: a time relative to the recording's start. */
export function formatTime(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  return `${sign}${(Math.abs(ms) / 1000).toFixed(3)} s`;
}
