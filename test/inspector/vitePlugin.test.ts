// The Vite plugin's inspector page, over plain HTTP: served on the app's origin in dev unless
// turned off, its paths confined to the page's folder, and emitted into a build only when asked.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backbeat, INSPECTOR_PATH } from 'backbeat/vite';
import { build, createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'backbeat-vite-plugin-'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title><p>app</p>');
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function serve(options?: Parameters<typeof backbeat>[0]): Promise<ViteDevServer> {
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'silent',
    cacheDir: join(root, '.vite'),
    plugins: [backbeat(options)],
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await server.listen();
  return server;
}
const origin = (server: ViteDevServer) => {
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
};

describe('the Vite plugin serves the inspector page in dev', () => {
  let server: ViteDevServer;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(() => server.close());

  it('answers the page and its files from the package, typed', async () => {
    const page = await fetch(`${origin(server)}${INSPECTOR_PATH}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Backbeat inspector</title>');
    const script = await fetch(`${origin(server)}${INSPECTOR_PATH}inspector.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('redirects the path without its slash, keeping the query', async () => {
    const response = await fetch(`${origin(server)}/__backbeat/inspector?channel=x`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`${INSPECTOR_PATH}?channel=x`);
  });

  it('answers 404 for a file it does not have and for a path that climbs out', async () => {
    for (const path of ['missing.js', '..%2f..%2fpackage.json', '%2e%2e%2f%2e%2e%2fpackage.json']) {
      const response = await fetch(`${origin(server)}${INSPECTOR_PATH}${path}`);
      expect(response.status, path).toBe(404);
    }
  });

  it("leaves the app's own pages to Vite", async () => {
    const response = await fetch(`${origin(server)}/`);
    expect(await response.text()).toContain('<p>app</p>');
  });
});

it('serves no inspector page with inspector: false', async () => {
  const server = await serve({ inspector: false });
  try {
    const response = await fetch(`${origin(server)}${INSPECTOR_PATH}inspector.js`);
    expect(response.headers.get('content-type') ?? '').not.toMatch(/javascript/);
  } finally {
    await server.close();
  }
});

describe('the Vite plugin in a build', () => {
  const built = async (options?: Parameters<typeof backbeat>[0]) => {
    const outDir = await mkdtemp(join(tmpdir(), 'backbeat-vite-build-'));
    await build({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [backbeat(options)],
      build: { outDir, emptyOutDir: true },
    });
    return outDir;
  };

  it('emits the page with inspector: true, the same files the package has', async () => {
    const outDir = await built({ inspector: true });
    const files = await readdir(join(outDir, INSPECTOR_PATH));
    const packaged = await readdir(new URL('../../dist/inspector/page/', import.meta.url));
    expect(files.sort()).toEqual(packaged.sort());
    expect(await readFile(join(outDir, INSPECTOR_PATH, 'index.html'), 'utf8')).toContain(
      'Backbeat inspector',
    );
    await rm(outDir, { recursive: true, force: true });
  });

  it('leaves it out by default: an app rarely ships its inspector', async () => {
    const outDir = await built();
    await expect(readdir(join(outDir, '__backbeat'))).rejects.toThrow(/ENOENT/);
    await rm(outDir, { recursive: true, force: true });
  });
});
