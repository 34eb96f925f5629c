// Starts a real hub + Bun.serve edge on port 0, fed by the test instead of the simulation worker.
import type { Server } from 'bun';
import { type EdgeOptions, startEdge } from '../../src/edge/edge.ts';
import { apiRoutes, healthOf } from '../../src/http/api-routes.ts';
import { Hub, type HubOptions } from '../../src/hub/hub.ts';
import type { Session } from '../../src/hub/session.ts';
import { type HubMetrics, noopHubMetrics } from '../../src/metrics/hub-metrics.ts';
import { encodeAgentEvent, encodeArenaEvent, encodeMarketEvent, isoTimestamp } from '../../src/protocol/encode.ts';
import type { PublishedEvent } from '../../src/protocol/worker-messages.ts';

export const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD'];
export const AGENTS = ['Balanced', 'Momentum', 'Conservative'];

export interface Harness {
  hub: Hub;
  server: Server<Session>;
  url: string;
  http: string;
  seq: number;
  market(symbol?: string, price?: number, pad?: number): PublishedEvent;
  agent(id?: string, capital?: number): PublishedEvent;
  arena(round: number, winner: string, deaths?: string[]): PublishedEvent;
  stop(): void;
}

export function counterMetrics(): HubMetrics & { counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const inc = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
  return {
    counts,
    connectionOpened: () => inc('opened'),
    connectionClosed: (by) => inc(`closed_${by}`),
    eventPublished: (_f, d) => inc('deliveries', d),
    slowConsumerClosed: () => inc('slow'),
    frameRejected: (r) => inc(`frame_${r}`),
    upgradeRejected: (r) => inc(`upgrade_${r}`),
    resumeRequested: (o) => inc(`resume_${o}`),
  };
}

export function startHarness(options: Partial<HubOptions> = {}, edge: Partial<EdgeOptions> = {}): Harness {
  const metrics = options.metrics ?? noopHubMetrics;
  const hub = new Hub({
    version: 'test',
    history: 1000,
    symbols: SYMBOLS,
    maxTopics: 16,
    maxMessageRate: 200,
    maxBadFrames: 10,
    maxPayloadBytes: 4096,
    sendBufferBytes: 1024 * 1024,
    idleTimeoutS: 60,
    log: () => {},
    ...options,
    metrics,
  });
  hub.adopt({ epoch: 'test-epoch', head: 0, symbols: SYMBOLS });
  const startedAt = Date.now();
  const server = startEdge(
    hub,
    apiRoutes(hub, () => healthOf(hub, 'test', startedAt, 'all', () => ({ ok: true }))),
    {
      host: '127.0.0.1',
      port: 0,
      maxConnections: 1000,
      metrics,
      ...edge,
    },
  );
  const h: Harness = {
    hub,
    server,
    url: `ws://127.0.0.1:${server.port}`,
    http: `http://127.0.0.1:${server.port}`,
    seq: 0,
    market(symbol = 'BTC-USD', price = 45000 + h.seq, pad = 0) {
      const sequence = ++h.seq;
      const market: Record<string, unknown> = {
        symbol,
        price,
        timestamp: isoTimestamp(Date.now()),
        change_percent: 0.1,
      };
      if (pad > 0) market.pad = 'x'.repeat(pad);
      const e: PublishedEvent = {
        sequence,
        family: 'market',
        key: symbol,
        json: encodeMarketEvent(market as never, sequence),
        created_at: Date.now(),
      };
      hub.publish(e);
      return e;
    },
    agent(id = 'Balanced', capital = 100000 + h.seq) {
      const sequence = ++h.seq;
      const json = encodeAgentEvent(
        {
          agent_id: id,
          capital,
          trades_executed: 3,
          win_rate: 0.5,
          status: 'active',
          timestamp: isoTimestamp(Date.now()),
        },
        sequence,
      );
      const e: PublishedEvent = { sequence, family: 'agent', key: id, json, created_at: Date.now() };
      hub.publish(e);
      return e;
    },
    arena(round, winner, deaths = []) {
      const sequence = ++h.seq;
      const json = encodeArenaEvent(
        {
          round,
          winner,
          timestamp: isoTimestamp(Date.now()),
          ranking: [],
          births: [],
          deaths: deaths.map((d) => ({ agent_id: d, reason: 'eliminated', capital: 1 })),
        },
        sequence,
      );
      const e: PublishedEvent = { sequence, family: 'arena', key: null, json, created_at: Date.now(), retired: deaths };
      hub.publish(e);
      return e;
    },
    stop() {
      server.stop(true);
    },
  };
  for (const a of AGENTS) h.agent(a);
  for (const s of SYMBOLS) h.market(s);
  return h;
}
