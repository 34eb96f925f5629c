// The metrics listener (default 127.0.0.1:9184): GET /metrics (Prometheus text) and GET /health.
import type { Server } from 'bun';
import { json } from '../http/responses.ts';
import { Router } from '../http/router.ts';
import type { MetricsRegistry } from './registry.ts';

export function startMetricsListener(
  registry: MetricsRegistry,
  health: () => { status: number; body: unknown },
  host: string,
  port: number,
): Server<undefined> {
  const router = new Router()
    .get(
      '/metrics',
      async () =>
        new Response(await registry.scrape(), {
          headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        }),
    )
    .get('/health', () => {
      const h = health();
      return json(h.body, h.status);
    });
  return Bun.serve({ hostname: host, port, development: false, fetch: (req) => router.handle(req) });
}
