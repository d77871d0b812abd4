import type { Variant } from 'dbus-next';
import * as dbus from 'dbus-next';
import type {
  DisplayState,
  SystemMediaTransportControlsState,
} from '../../../protocol/controls.js';

/** The track id MPRIS reserves for "no current track". */
export const NO_TRACK = '/org/mpris/MediaPlayer2/TrackList/NoTrack';

const MAX_INT32 = 0x7fffffff;

/** Object path prefix of the track ids Backbeat hands out. */
const TRACK_ID_PREFIX = '/backbeat/track/';

/**
 * The MPRIS metadata of the current track as plain values: what `Metadata` (`a{sv}`) carries.
 * Empty strings, empty lists and a zero length are left out of the D-Bus map.
 */
export interface MprisMetadata {
  /** `mpris:trackid` (object path). */
  readonly trackId: string;
  /** `xesam:title`. */
  readonly title: string;
  /** `xesam:artist` (a list; MPRIS allows several artists). */
  readonly artist: readonly string[];
  /** `xesam:album`. */
  readonly album: string;
  /** `xesam:albumArtist`. */
  readonly albumArtist: readonly string[];
  /** `xesam:trackNumber`, 0 when unknown. */
  readonly trackNumber: number;
  /** `mpris:length` in microseconds, 0 when unknown. */
  readonly length: number;
  /** `mpris:artUrl`, or `null`. */
  readonly artUrl: string | null;
}

function sameDisplay(a: DisplayState, b: DisplayState): boolean {
  const m = a.musicProperties;
  const n = b.musicProperties;
  return (
    a === b ||
    (a.type === b.type &&
      a.thumbnail === b.thumbnail &&
      m.title === n.title &&
      m.artist === n.artist &&
      m.albumArtist === n.albumArtist &&
      m.albumTitle === n.albumTitle &&
      m.trackNumber === n.trackNumber)
  );
}

function isEmptyDisplay(display: DisplayState): boolean {
  const m = display.musicProperties;
  return (
    display.type === 'unknown' &&
    display.thumbnail === null &&
    m.title === '' &&
    m.artist === '' &&
    m.albumArtist === '' &&
    m.albumTitle === '' &&
    m.trackNumber === 0
  );
}

/**
 * Hands out MPRIS track ids: a new id every time the published display changes, and
 * {@link NO_TRACK} while neither a display nor a timeline has been published.
 */
export class TrackIds {
  #count = 0;
  #display: DisplayState | null = null;

  /** The id of the track `state` shows. */
  idFor(state: SystemMediaTransportControlsState): string {
    if (this.#display === null || !sameDisplay(this.#display, state.display)) {
      this.#display = state.display;
      this.#count++;
    }
    if (isEmptyDisplay(state.display) && state.timeline.endTime === 0) return NO_TRACK;
    return `${TRACK_ID_PREFIX}${this.#count}`;
  }
}

function list(value: string): readonly string[] {
  return value === '' ? [] : [value];
}

/**
 * The metadata MPRIS shows for `state`: the published display (`musicProperties`, `thumbnail`)
 * and the timeline's `endTime` as `mpris:length` in microseconds. With no track, only the track
 * id is set.
 *
 * @example
 * ```ts
 * const metadata = mprisMetadata(smtc.getState(), '/backbeat/track/1');
 * metadata.title; // as published with displayUpdater.update()
 * ```
 */
export function mprisMetadata(
  state: SystemMediaTransportControlsState,
  trackId: string,
): MprisMetadata {
  const music = state.display.musicProperties;
  const none = trackId === NO_TRACK;
  return Object.freeze({
    trackId,
    title: none ? '' : music.title,
    artist: none ? [] : list(music.artist),
    album: none ? '' : music.albumTitle,
    albumArtist: none ? [] : list(music.albumArtist),
    trackNumber: none ? 0 : music.trackNumber,
    length: none ? 0 : Math.round(state.timeline.endTime * 1000),
    artUrl: none ? null : state.display.thumbnail,
  });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * Whether two metadata values show the same thing.
 */
export function sameMetadata(a: MprisMetadata, b: MprisMetadata): boolean {
  return (
    a === b ||
    (a.trackId === b.trackId &&
      a.title === b.title &&
      a.album === b.album &&
      a.trackNumber === b.trackNumber &&
      a.length === b.length &&
      a.artUrl === b.artUrl &&
      sameList(a.artist, b.artist) &&
      sameList(a.albumArtist, b.albumArtist))
  );
}

/**
 * The D-Bus `a{sv}` map for `metadata`, keyed by the MPRIS / xesam names. Empty values are left
 * out, as MPRIS asks.
 */
export function metadataVariants(metadata: MprisMetadata): Record<string, Variant> {
  const map: Record<string, Variant> = {
    'mpris:trackid': new dbus.Variant('o', metadata.trackId),
  };
  if (metadata.title !== '') map['xesam:title'] = new dbus.Variant('s', metadata.title);
  if (metadata.artist.length > 0)
    map['xesam:artist'] = new dbus.Variant('as', [...metadata.artist]);
  if (metadata.album !== '') map['xesam:album'] = new dbus.Variant('s', metadata.album);
  if (metadata.albumArtist.length > 0) {
    map['xesam:albumArtist'] = new dbus.Variant('as', [...metadata.albumArtist]);
  }
  if (metadata.trackNumber > 0 && metadata.trackNumber <= MAX_INT32) {
    map['xesam:trackNumber'] = new dbus.Variant('i', metadata.trackNumber);
  }
  if (metadata.length > 0) map['mpris:length'] = new dbus.Variant('x', BigInt(metadata.length));
  if (metadata.artUrl !== null) map['mpris:artUrl'] = new dbus.Variant('s', metadata.artUrl);
  return map;
}
