// memory.idleTask: how much one idle Backbeat worker task adds to the process's resident set,
// against one bare worker; each sample is a fresh child process (see fixtures/memoryProbe.mjs).
import { idleTaskGrowthMb } from '../baselines/memory.mjs';
import { makeRow, measureRounds } from '../harness.mjs';

/** Measures memory.idleTask. */
export async function runMemory(config) {
  const r = await measureRounds(
    config.rounds,
    { baseline: () => idleTaskGrowthMb('bare'), backbeat: () => idleTaskGrowthMb('backbeat') },
    config.timeoutMs,
  );
  return [
    makeRow({
      id: 'memory.idleTask',
      unit: 'MB',
      better: 'lower',
      target: 1.5,
      value: r.backbeat,
      baseline: r.baseline,
    }),
  ];
}
