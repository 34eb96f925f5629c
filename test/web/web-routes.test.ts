// The dashboard over HTTP on the main port: page, bundled assets, headers, caching, compression, and upgrades untouched.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/clients.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer(['--market-interval-ms', '200', '--market-data', 'off', '--agent-interval-ms', '400']);
});
afterAll(async () => {
  await server.stop();
});

const assetPaths = (html: string) => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);

describe('dashboard routes', () => {
  test('GET / is the page: HTML, no-cache with an ETag, a strict CSP, and bundled script and stylesheet', async () => {
    const res = await fetch(`${server.http}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toMatch(/^".+"$/);
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<title>Lineage · live</title>');
    expect(html).toMatch(/<script type="module"[^>]*src="\/assets\/[^"]+\.js"/);
    expect(html).toMatch(/<link rel="stylesheet"[^>]*href="\/assets\/[^"]+\.css"/);
    expect(html).toContain('id="leaderboard"');
    const again = await fetch(`${server.http}/index.html`);
    expect(await again.text()).toBe(html);
    const revalidated = await fetch(`${server.http}/`, {
      headers: { 'if-none-match': res.headers.get('etag') as string },
    });
    expect(revalidated.status).toBe(304);
  });

  test('assets: right types, cached for good, gzip on request, 304 on revalidation; unknown names 404', async () => {
    const html = await (await fetch(`${server.http}/`)).text();
    const paths = assetPaths(html);
    expect(paths.some((p) => p.endsWith('.js'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.css'))).toBe(true);
    for (const path of paths) {
      const res = await fetch(`${server.http}${path}`, { headers: { 'accept-encoding': 'identity' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toStartWith(path.endsWith('.js') ? 'text/javascript' : 'text/css');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-encoding')).toBeNull();
      const body = await res.text();
      expect(body.length).toBeGreaterThan(path.endsWith('.js') ? 10_000 : 500);
      const etag = res.headers.get('etag') as string;
      expect((await fetch(`${server.http}${path}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    const js = paths.find((p) => p.endsWith('.js')) as string;
    // Ask for gzip explicitly and read the raw bytes (decompress: false) to see what went over the wire.
    const zipped = await fetch(`${server.http}${js}`, {
      headers: { 'accept-encoding': 'gzip' },
      decompress: false,
    } as RequestInit);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const raw = new Uint8Array(await zipped.arrayBuffer());
    const plain = await (await fetch(`${server.http}${js}`, { headers: { 'accept-encoding': 'identity' } })).text();
    expect(new TextDecoder().decode(Bun.gunzipSync(raw))).toBe(plain);
    expect(raw.byteLength).toBeLessThan(plain.length / 2);
    const missing = await fetch(`${server.http}/assets/nope-123.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  test('the bundle is built once per process: the same page and asset names on every request', async () => {
    const [a, b] = await Promise.all([fetch(`${server.http}/`), fetch(`${server.http}/`)]);
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'));
    expect(assetPaths(await a.text())).toEqual(assetPaths(await b.text()));
  });

  test('a WebSocket upgrade on / still reaches the hub; other methods on / are 405', async () => {
    const client = await TestClient.open(server.url, 'ws');
    const welcome = await client.nextOf('welcome');
    expect(welcome.subscriptions).toEqual(['market', 'agent']);
    client.close();
    const post = await fetch(`${server.http}/`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  test('/favicon.ico answers (so JSON pages opened in a browser log no 404)', async () => {
    const res = await fetch(`${server.http}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toStartWith('<svg');
  });

  test('the REST API is unchanged beside the page', async () => {
    const res = await fetch(`${server.http}/api/snapshot`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('application/json');
  });
});
