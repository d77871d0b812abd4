// Bundles the inspector page after `tsc`: src/inspector/page/ (plain DOM + TypeScript, elkjs
// for the statechart layout) becomes dist/inspector/page/index.html, inspector.js and
// inspector.css, one self-contained page with nothing loaded from the network, served by the
// Node inspector and by a browser app's origin alike.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}src/inspector/page`;
const out = `${root}dist/inspector/page`;

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { inspector: `${source}/main.ts` },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
await copyFile(`${source}/index.html`, `${out}/index.html`);
await copyFile(`${source}/inspector.css`, `${out}/inspector.css`);
