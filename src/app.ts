// Wires one Lineage node: upstream (simulation worker, or Redis on a gateway) → hub → Bun.serve edge, plus the metrics
// listener. Shutdown in a fixed order.
import type { Server } from 'bun';
import { redisSink, startGatewayUpstream } from './cluster/cluster-upstream.ts';
import type { Config } from './config.ts';
import { connectionBound, readFdLimit } from './edge/connection-limit.ts';
import { openCredentials } from './edge/credentials.ts';
import { startEdge } from './edge/edge.ts';
import { startLocalUpstream } from './engine/local-upstream.ts';
import type { Upstream } from './engine/upstream.ts';
import { apiRoutes, healthOf } from './http/api-routes.ts';
import { addWebRoutes } from './http/web-routes.ts';
import { Hub } from './hub/hub.ts';
import type { Session } from './hub/session.ts';
import { AgentBook } from './metrics/agent-book.ts';
import { LineageMetricsCollector } from './metrics/instrument.ts';
import { startMetricsListener } from './metrics/metrics-listener.ts';
import { OtelHubMetrics } from './metrics/otel-hub-metrics.ts';
import { ProcessMetrics } from './metrics/process-metrics.ts';
import { MetricsRegistry } from './metrics/registry.ts';
import { SimMetrics } from './metrics/sim-metrics.ts';
import { VERSION } from './version.ts';

export interface App {
  hub: Hub;
  upstream: Upstream;
  seed: number;
  /** `ws://host:port` actually bound. */
  url: string;
  metricsUrl: string;
  edge: Server<Session>;
  /** Stops everything in order; safe to call twice. */
  shutdown(): Promise<void>;
  /** Resolves if the simulation worker dies (the node cannot go on without its single writer). */
  failed: Promise<string>;
  /** Record your own agents' stats into this node's meters (the seed's custom-collector pattern). */
  metrics: LineageMetricsCollector;
  /** SIGHUP: re-read the credentials that can change under a running node (a `--jwks` file). */
  reloadCredentials(): Promise<void>;
}

/** Start a node from a parsed config. Throws with a one-line message when a port cannot be bound or the worker fails. */
export async function startApp(config: Config, log: (line: string) => void = (l) => console.log(l)): Promise<App> {
  const startedAt = Date.now();
  // Before anything starts: a key that cannot be read stops the node with one line.
  const credentials = await openCredentials(config, log);
  const seed = config.seed ?? (crypto.getRandomValues(new Uint32Array(1))[0] as number);
  const book = new AgentBook();
  const registry = new MetricsRegistry([book]);
  const simMetrics = new SimMetrics(registry, book);
  const processMetrics = new ProcessMetrics(registry, config.metricsGc);
  let hubRef: Hub | null = null;
  let isReady = false;
  const metrics = new OtelHubMetrics(registry, {
    startedAt,
    connections: () => hubRef?.connections ?? 0,
    subscribersByFamily: () => hubRef?.subscribersByFamily() ?? {},
  });
  const hub = new Hub({ ...config, version: VERSION, metrics, verifyToken: credentials.verifyToken });
  hubRef = hub;

  const upstream: Upstream =
    config.role === 'gateway'
      ? startGatewayUpstream(config, hub, registry, log)
      : await startLocalUpstream(
          config,
          seed,
          hub,
          (stats) => simMetrics.update(stats),
          config.role === 'sim' ? redisSink(config, hub.history, registry, log) : undefined,
          log,
        );
  isReady = true;

  const health = () =>
    healthOf(hub, VERSION, startedAt, config.role, () =>
      isReady ? upstream.health() : { ok: false, reason: 'starting' },
    );
  const bound = connectionBound(config.maxConnections, readFdLimit());
  let edge: Server<Session>;
  let metricsServer: Server<undefined>;
  try {
    edge = startEdge(hub, addWebRoutes(apiRoutes(hub, health, upstream.ask, upstream.rounds)), {
      ...config,
      maxConnections: bound.max,
      metrics,
      credentials,
      accepting: () => upstream.epoch !== '',
    });
  } catch (error) {
    credentials.stop();
    await upstream.stop(1000);
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${describe(error)}`);
  }
  try {
    metricsServer = startMetricsListener(
      registry,
      () => {
        const h = health();
        return { status: h.status === 'ok' ? 200 : 503, body: h };
      },
      config.metricsHost,
      config.metricsPort,
    );
  } catch (error) {
    edge.stop(true);
    credentials.stop();
    await upstream.stop(1000);
    throw new Error(`cannot listen on ${config.metricsHost}:${config.metricsPort} (metrics): ${describe(error)}`);
  }

  const url = `ws://${formatHost(config.host)}:${edge.port}`;
  const metricsUrl = `http://${formatHost(config.metricsHost)}:${metricsServer.port}`;
  log(`📡 WebSocket server listening on ${url}`);
  log('   (broadcast market ticks and agent updates to connected clients)');
  log(`📊 Prometheus metrics on ${metricsUrl}/metrics (health: ${metricsUrl}/health)`);
  log(`🖥️  Dashboard on ${url.replace('ws://', 'http://')}/`);
  log(upstream.describe);
  if (credentials.describe !== 'none') log(`🔐 connections need ${credentials.describe}`);
  if (bound.lowered) {
    log(
      `🔌 up to ${bound.max} connections: the fd limit is ${bound.fdLimit} (${bound.headroom} kept for files, Redis and HTTP), below --max-connections ${config.maxConnections}`,
    );
  }

  let stopping: Promise<void> | null = null;
  const shutdown = () => {
    stopping ??= (async () => {
      // Refuse new upgrades, tell every client to come back later, then stop the writer and flush.
      hub.closeAll(config.shutdownRetryAfterMs);
      const deadline = Date.now() + Math.min(1000, config.shutdownTimeoutMs / 2);
      while (hub.connections > 0 && Date.now() < deadline) await Bun.sleep(10);
      edge.stop(true);
      credentials.stop();
      await upstream.stop(Math.max(500, config.shutdownTimeoutMs - 1000));
      metricsServer.stop(true);
      processMetrics.stop();
      await registry.shutdown();
    })();
    return stopping;
  };
  // A restored database keeps the seed of its story.
  return {
    hub,
    upstream,
    seed: upstream.seed ?? seed,
    url,
    metricsUrl,
    edge,
    shutdown,
    failed: upstream.failed,
    metrics: new LineageMetricsCollector(registry, book),
    reloadCredentials: () => credentials.reload(),
  };
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e?.code === 'EADDRINUSE') return 'address already in use';
  return e?.message ?? String(error);
}
