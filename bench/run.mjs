// Backbeat benchmarks: `npm run bench` (builds first) or `node bench/run.mjs [--quick]`.
// Every number is a ratio against a raw baseline measured in the same run, several rounds,
// median reported. Prints a table and writes bench/results.json.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { makeRow, now, readConfig, reasonOf, selected, warnings } from './harness.mjs';
import { runAudioContinuity } from './suites/audioContinuity.mjs';
import { runAudioDecode } from './suites/audioDecode.mjs';
import { runAudioGapless } from './suites/audioGapless.mjs';
import { runAudioLatency } from './suites/audioLatency.mjs';
import { runBrowser } from './suites/browser.mjs';
import { runColdStart } from './suites/coldStart.mjs';
import { runMemory } from './suites/memory.mjs';
import { runPolicyScale } from './suites/policyScale.mjs';
import { runRtt } from './suites/rtt.mjs';
import { runRttInspect } from './suites/rttInspect.mjs';
import { runThroughput } from './suites/throughput.mjs';
import { runThroughputInspect } from './suites/throughputInspect.mjs';
import { formatTable } from './table.mjs';

const suites = [
  {
    ids: ['rtt.call', 'rtt.comlink', 'rtt.call.process'],
    units: ['us/call', 'us/call', 'us/call'],
    run: runRtt,
  },
  { ids: ['rtt.inspect'], units: ['us/call'], run: runRttInspect },
  { ids: ['throughput.message'], units: ['msg/s'], run: runThroughput },
  { ids: ['throughput.inspect'], units: ['msg/s'], run: runThroughputInspect },
  { ids: ['coldStart'], units: ['ms'], run: runColdStart },
  { ids: ['memory.idleTask'], units: ['MB'], run: runMemory },
  { ids: ['policy.scale'], units: ['us/decision'], run: runPolicyScale },
  { ids: ['gapless.gapSamples'], units: ['samples'], run: runAudioGapless },
  { ids: ['latency.playToSound'], units: ['us'], run: runAudioLatency },
  { ids: ['continuity.fgBlocked'], units: ['ms'], run: runAudioContinuity },
  { ids: ['decode.throughput'], units: ['audio s/s'], run: runAudioDecode },
  {
    ids: ['browser.rtt.call', 'browser.throughput.message', 'browser.gapless.gapSamples'],
    units: ['us/call', 'msg/s', 'samples'],
    run: runBrowser,
  },
];

function failedRows(suite, error) {
  const broken = { samples: [], reason: `harness error: ${reasonOf(error)}` };
  return suite.ids.map((id, i) =>
    makeRow({ id, unit: suite.units[i], better: 'lower', value: broken, baseline: broken }),
  );
}

async function main() {
  const config = readConfig();
  const [load1] = os.loadavg();
  console.log(
    `backbeat bench${config.quick ? ' (--quick)' : ''}: node ${process.version}, ` +
      `${os.availableParallelism?.() ?? os.cpus().length} cores, load ${load1.toFixed(2)}, ` +
      `rounds ${config.rounds}, rtt iterations ${config.rttIterations}, ` +
      `messages ${config.messages}, cold samples ${config.coldSamples}, ` +
      `policy steps ${config.policySteps}`,
  );
  const started = now();
  const rows = [];
  for (const suite of suites) {
    if (!suite.ids.some((id) => selected(config, id))) continue;
    const t = now();
    let suiteRows;
    try {
      suiteRows = await suite.run(config);
    } catch (error) {
      suiteRows = failedRows(suite, error);
    }
    rows.push(...suiteRows.filter((row) => selected(config, row.id)));
    console.log(`  ${suite.ids.join(', ')}: ${((now() - t) / 1000).toFixed(1)} s`);
  }
  console.log('');
  console.log(formatTable(rows));
  for (const message of new Set(warnings)) console.log(`warning: ${message}`);
  await writeFile(config.out, `${JSON.stringify(rows, null, 2)}\n`);
  const where = config.out instanceof URL ? 'bench/results.json' : config.out;
  console.log(
    `\n${rows.length} rows written to ${where} in ${((now() - started) / 1000).toFixed(1)} s`,
  );
}

main().then(
  // A runtime under test may leave a worker or timer behind; the results are written, so leave.
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
