// The example's playlist, shared by the page and the task. Each track is described media on the
// task's clock (`virtual:`), so the example needs no network and no files.
export const tracks = [
  { title: 'Dawn Chorus', artist: 'Backbeat Ensemble', uri: 'virtual:dawn?duration=20000' },
  { title: 'Midday Drift', artist: 'Backbeat Ensemble', uri: 'virtual:midday?duration=20000' },
  { title: 'Dusk Signal', artist: 'Backbeat Ensemble', uri: 'virtual:dusk?duration=20000' },
];
