/** Where one-line notices go. */
export type NoticeSink = (message: string) => void;

const given = new Set<string>();

/**
 * Writes a notice to standard error.
 */
export const warnNotice: NoticeSink = (message) => {
  console.warn(message);
};

/**
 * Gives a one-line notice the first time `key` is seen in this process; later calls with the
 * same key say nothing. Returns whether the notice was given.
 */
export function noticeOnce(key: string, message: string, sink: NoticeSink): boolean {
  if (given.has(key)) return false;
  given.add(key);
  sink(message);
  return true;
}
