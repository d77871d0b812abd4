import {
  type DisplayState,
  type MediaPlaybackType,
  MediaPlaybackTypeSchema,
  type MusicDisplayPropertiesState,
  MusicTextSchema,
  parseControlsValue,
  ThumbnailSchema,
  TrackNumberSchema,
} from '../../protocol/controls.js';

const EMPTY_MUSIC: MusicDisplayPropertiesState = Object.freeze({
  title: '',
  artist: '',
  albumArtist: '',
  albumTitle: '',
  trackNumber: 0,
});

/** What the controls show before anything is published, and after `clearAll()`. */
export const EMPTY_DISPLAY: DisplayState = Object.freeze({
  type: 'unknown',
  musicProperties: EMPTY_MUSIC,
  thumbnail: null,
});

function sameMusic(a: MusicDisplayPropertiesState, b: MusicDisplayPropertiesState): boolean {
  return (
    a.title === b.title &&
    a.artist === b.artist &&
    a.albumArtist === b.albumArtist &&
    a.albumTitle === b.albumTitle &&
    a.trackNumber === b.trackNumber
  );
}

function sameDisplay(a: DisplayState, b: DisplayState): boolean {
  return (
    a.type === b.type &&
    a.thumbnail === b.thumbnail &&
    sameMusic(a.musicProperties, b.musicProperties)
  );
}

/**
 * Music metadata staged on the display updater (MusicDisplayProperties). Changes are shown only
 * after `displayUpdater.update()`.
 */
export class MusicDisplayProperties {
  #staged: MusicDisplayPropertiesState = EMPTY_MUSIC;

  get title(): string {
    return this.#staged.title;
  }
  set title(value: string) {
    this.#stage({ title: parseControlsValue(MusicTextSchema, 'musicProperties.title', value) });
  }
  get artist(): string {
    return this.#staged.artist;
  }
  set artist(value: string) {
    this.#stage({ artist: parseControlsValue(MusicTextSchema, 'musicProperties.artist', value) });
  }
  get albumArtist(): string {
    return this.#staged.albumArtist;
  }
  set albumArtist(value: string) {
    this.#stage({
      albumArtist: parseControlsValue(MusicTextSchema, 'musicProperties.albumArtist', value),
    });
  }
  get albumTitle(): string {
    return this.#staged.albumTitle;
  }
  set albumTitle(value: string) {
    this.#stage({
      albumTitle: parseControlsValue(MusicTextSchema, 'musicProperties.albumTitle', value),
    });
  }
  /** Track number: an unsigned integer (0 = none). */
  get trackNumber(): number {
    return this.#staged.trackNumber;
  }
  set trackNumber(value: number) {
    this.#stage({
      trackNumber: parseControlsValue(TrackNumberSchema, 'musicProperties.trackNumber', value),
    });
  }

  /** @internal The staged values as a frozen plain object. */
  snapshot(): MusicDisplayPropertiesState {
    return this.#staged;
  }

  /** @internal Clears every staged value. */
  reset(): void {
    this.#staged = EMPTY_MUSIC;
  }

  #stage(patch: Partial<MusicDisplayPropertiesState>): void {
    this.#staged = Object.freeze({ ...this.#staged, ...patch });
  }
}

/**
 * Stages the metadata the system controls show (SystemMediaTransportControlsDisplayUpdater).
 * Nothing is shown until {@link SystemMediaTransportControlsDisplayUpdater.update} publishes it;
 * publishing what is already shown changes nothing.
 */
export class SystemMediaTransportControlsDisplayUpdater {
  /** Music metadata, staged until {@link update}. */
  readonly musicProperties = new MusicDisplayProperties();
  #type: MediaPlaybackType = 'unknown';
  #thumbnail: string | null = null;
  #published: DisplayState = EMPTY_DISPLAY;
  readonly #publish: (display: DisplayState) => void;

  /** @internal Created by `SystemMediaTransportControls`, which shows what is published. */
  constructor(publish: (display: DisplayState) => void) {
    this.#publish = publish;
  }

  /** Kind of media; set it even when there is no other metadata. */
  get type(): MediaPlaybackType {
    return this.#type;
  }
  set type(value: MediaPlaybackType) {
    this.#type = parseControlsValue(MediaPlaybackTypeSchema, 'displayUpdater.type', value);
  }

  /** Thumbnail URI (`https:`, `file:`, `data:` ...), or `null` for none. */
  get thumbnail(): string | null {
    return this.#thumbnail;
  }
  set thumbnail(value: string | null) {
    this.#thumbnail = parseControlsValue(ThumbnailSchema, 'displayUpdater.thumbnail', value);
  }

  /** Publishes the staged metadata to the system controls. */
  update(): void {
    this.#show(
      Object.freeze({
        type: this.#type,
        musicProperties: this.musicProperties.snapshot(),
        thumbnail: this.#thumbnail,
      }),
    );
  }

  /** Clears the staged metadata and removes the published metadata from the controls. */
  clearAll(): void {
    this.#type = 'unknown';
    this.#thumbnail = null;
    this.musicProperties.reset();
    this.#show(EMPTY_DISPLAY);
  }

  #show(display: DisplayState): void {
    if (sameDisplay(display, this.#published)) return;
    this.#published = display;
    this.#publish(display);
  }
}
