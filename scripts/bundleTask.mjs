// Bundles the task side after `tsc` has emitted dist/: the `backbeat/task` entry, the task main
// and the worker and process entries become one esbuild module graph (shared code in
// dist/chunks/), so a task module's `import … from 'backbeat/task'` and the runtime's task main
// load the same classes, and a task starts without resolving and parsing hundreds of files.
// tsc's .d.ts files and every foreground file stay as tsc wrote them. The two bundles a browser
// must not load get their own names (`task.node.js`, `taskMain.node.js`): a browser build imports
// tsc's unbundled `task.js` and `taskMain.js` through the `browser` conditions instead.
import { rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

/** Output path (without `.js`, under dist/) -> source. */
const entryPoints = {
  'task.node': 'src/task.ts',
  'actors/task/taskMain.node': 'src/actors/task/taskMain.ts',
  'adapters/transport/workerEntry': 'src/adapters/transport/workerEntry.ts',
  'adapters/transport/processEntry': 'src/adapters/transport/processEntry.ts',
};

/**
 * Packages that stay imports: native or optional ones a task loads only on demand (the Web Audio
 * adapter is a lazy import of its own chunk) and the system controls' D-Bus client. xstate is
 * bundled: a task's own statecharts, on the task's own xstate, are inspected through the
 * observer the task hands them (`taskInstance.inspect`), not through a shared class.
 */
const external = ['node-web-audio-api', 'audio-decode', 'dbus-next', '@statelyai/inspect'];

await rm(`${dist}/chunks`, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints,
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Identifiers stay as written: error classes name themselves after `new.target.name`.
  // (esbuild's `keepNames` would keep them too, but wraps every function the bundle creates,
  // xstate's included, in a naming call: that measured about a third of a player call.)
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  sourcesContent: false,
  external,
  metafile: true,
  logLevel: 'warning',
});

if (process.argv.includes('--report')) {
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith('.js')) continue;
    const { size } = await stat(`${root}${file}`);
    console.log(
      `${file}: ${(size / 1024).toFixed(1)} KB (${Object.keys(output.inputs).length} inputs)`,
    );
  }
}
