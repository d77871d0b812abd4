// The example's playlist, shared by the page, the task and the script that synthesizes the
// files (`makeTracks.js`, run by the Vite config into public/tracks/).
export const tracks = [
  {
    title: 'Dawn Chorus',
    artist: 'Backbeat Ensemble',
    file: 'dawn-chorus.wav',
    seconds: 16,
    chords: [
      [0, 4, 7, 12],
      [5, 9, 12, 17],
      [7, 11, 14, 19],
      [0, 4, 7, 12],
    ],
  },
  {
    title: 'Midday Drift',
    artist: 'Backbeat Ensemble',
    file: 'midday-drift.wav',
    seconds: 16,
    chords: [
      [2, 5, 9, 14],
      [7, 10, 14, 19],
      [0, 3, 7, 12],
      [5, 8, 12, 17],
    ],
  },
  {
    title: 'Dusk Signal',
    artist: 'Backbeat Ensemble',
    file: 'dusk-signal.wav',
    seconds: 16,
    chords: [
      [-3, 0, 4, 9],
      [2, 5, 9, 14],
      [4, 7, 11, 16],
      [-3, 0, 4, 9],
    ],
  },
];
