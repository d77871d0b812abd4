/** Polls `done` every 5 ms until it holds; rejects after `limit` ms of real time. */
export async function until(done: () => boolean, limit = 5_000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > limit) throw new Error(`condition not reached within ${limit} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
