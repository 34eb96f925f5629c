// Serves the dashboard: `src/web/` bundled once per process with Bun.build (on first request), kept in memory.
import { join } from 'node:path';
import { describeError } from '../lib/describe-error.ts';
import { httpError } from './responses.ts';
import type { Router } from './router.ts';

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | null;
  type: string;
  etag: string;
  /** Hashed file names never change content, so browsers may keep them for good. */
  immutable: boolean;
}

interface Bundle {
  index: Asset;
  assets: Map<string, Asset>;
}

const WEB_DIR = join(import.meta.dir, '..', 'web');
const ASSET_PREFIX = '/assets/';
/** The page talks only to the server that served it. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The diamond of the page's own icon, for browsers that ask any page of this server for /favicon.ico. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1 15 8 8 15 1 8Z" fill="#58a6ff"/></svg>`;

let building: Promise<Bundle> | null = null;

/** Build the dashboard once per process; concurrent first requests share the build, a failed build is retried. */
export function dashboardBundle(): Promise<Bundle> {
  building ??= buildBundle().catch((error: unknown) => {
    building = null;
    throw error;
  });
  return building;
}

async function buildBundle(): Promise<Bundle> {
  const result = await Bun.build({
    entrypoints: [join(WEB_DIR, 'index.html')],
    target: 'browser',
    minify: true,
    sourcemap: 'linked',
    publicPath: ASSET_PREFIX,
    naming: { entry: '[name]-[hash].[ext]', chunk: '[name]-[hash].[ext]', asset: '[name]-[hash].[ext]' },
    throw: false,
  });
  if (!result.success) {
    const first = result.logs.find((l) => l.level === 'error') ?? result.logs[0];
    throw new Error(`dashboard build failed: ${first?.message ?? 'unknown error'}`);
  }
  let index: Asset | null = null;
  const assets = new Map<string, Asset>();
  for (const output of result.outputs) {
    const name = output.path.replace(/^\.?\//, '');
    const body = new Uint8Array(await output.arrayBuffer());
    const type = output.type || 'application/octet-stream';
    const compressible = /^(text\/|application\/(json|javascript))/.test(type);
    const asset: Asset = {
      body,
      gzip: compressible && body.byteLength > 1024 ? Bun.gzipSync(body) : null,
      type,
      etag: `"${Bun.hash(body).toString(36)}"`,
      immutable: !name.endsWith('.html'),
    };
    if (name.endsWith('.html')) index = asset;
    else assets.set(name, asset);
  }
  if (index === null) throw new Error('dashboard build produced no HTML page');
  return { index, assets };
}

function respond(req: Request, asset: Asset, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    'content-type': asset.type,
    'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag: asset.etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    ...extra,
  };
  if (req.headers.get('if-none-match') === asset.etag) return new Response(null, { status: 304, headers });
  const gzip = asset.gzip !== null && /\bgzip\b/.test(req.headers.get('accept-encoding') ?? '');
  if (gzip) headers['content-encoding'] = 'gzip';
  return new Response(gzip ? asset.gzip : asset.body, { status: 200, headers });
}

async function serveIndex(req: Request): Promise<Response> {
  try {
    const bundle = await dashboardBundle();
    return respond(req, bundle.index, { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' });
  } catch (error) {
    console.error(`lineage: ${describeError(error)}`);
    return new Response('the dashboard could not be built; see the server log', {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
}

/** Add `GET /` (the dashboard), `/index.html`, `/assets/:name` and `/favicon.ico` to the main port's router. */
export function addWebRoutes(router: Router): Router {
  return router
    .get('/', serveIndex)
    .get('/index.html', serveIndex)
    .get(
      '/favicon.ico',
      () =>
        new Response(FAVICON, {
          headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
        }),
    )
    .get('/assets/:name', async (req, params) => {
      let bundle: Bundle;
      try {
        bundle = await dashboardBundle();
      } catch {
        return httpError(404, 'not_found', 'the dashboard is unavailable');
      }
      const asset = bundle.assets.get(params.name ?? '');
      if (asset === undefined)
        return httpError(404, 'not_found', `no asset ${ASSET_PREFIX}${(params.name ?? '').slice(0, 100)}`);
      return respond(req, asset);
    });
}
