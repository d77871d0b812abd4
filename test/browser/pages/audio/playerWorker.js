// The task side: a MediaPlayer playing a MediaPlaybackList, with the page's engine as its audio
// adapter. It reports the player's and the list's events once the list has ended.
import { connectAudio } from 'backbeat/audio/bridge';
import { MediaPlaybackItem, MediaPlaybackList, MediaPlayer, MediaSource } from 'backbeat/task';

self.onmessage = ({ data: { port, urls } }) => {
  const audio = connectAudio(port);
  const player = new MediaPlayer({ audio });
  const list = new MediaPlaybackList();
  for (const uri of urls) list.items.push(new MediaPlaybackItem(MediaSource.createFromUri(uri)));
  const log = [];
  player.on('currentStateChanged', ({ state }) => log.push(`state ${state}`));
  player.on('mediaFailed', ({ error, errorMessage }) =>
    log.push(`failed ${error} ${errorMessage}`),
  );
  list.on('currentItemChanged', ({ reason }) =>
    log.push(`item ${list.currentItemIndex} ${reason}`),
  );
  player.on('mediaEnded', () => {
    log.push('ended');
    self.postMessage({ log, position: player.position, duration: player.naturalDuration });
  });
  player.source = list;
  player.play();
};
