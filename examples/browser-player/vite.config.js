// `npm run browser` serves this example on 127.0.0.1; `npm run browser:build` builds it. The
// tracks are synthesized into public/tracks/ first (see makeTracks.js).
import { backbeat } from 'backbeat/vite';
import { defineConfig } from 'vite';
import { makeTracks } from './makeTracks.js';

makeTracks(`${import.meta.dirname}/public/tracks`);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [backbeat()],
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true },
});
