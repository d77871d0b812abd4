/** The MediaPlayer events that cross from the task to the foreground, by name. */
export const playerEventNames = [
  'mediaOpened',
  'mediaEnded',
  'mediaFailed',
  'currentStateChanged',
  'seekCompleted',
  'volumeChanged',
  'bufferingStarted',
  'bufferingEnded',
  'mediaPlayerRateChanged',
] as const;

/** One of {@link playerEventNames}. */
export type PlayerEventName = (typeof playerEventNames)[number];
