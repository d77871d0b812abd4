// `npm run browser` serves this example on 127.0.0.1; `npm run browser:build` builds it. The
// tracks are synthesized into public/tracks/ first (see makeTracks.js). The plugin also serves
// the inspector page the "Inspect" link opens; `inspector: true` puts it in the build as well.
import { backbeat } from 'backbeat/vite';
import { defineConfig } from 'vite';
import { makeTracks } from './makeTracks.js';

makeTracks(`${import.meta.dirname}/public/tracks`);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [backbeat({ inspector: true })],
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true },
});
