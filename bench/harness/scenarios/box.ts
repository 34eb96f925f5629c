// Scenario (h), one box: Redis, a sim node and G gateways sharing one port hold `connections` subscribed connections,
// every one loss-checked; RSS per connection and CPU per delivery are taken per gateway process. Beside it, one
// `--role all` node (the `lineage` target) holds a gateway's share of the same workload, so a gateway's CPU per
// delivery can be set against a single node's at the same load per process.
import { Histogram } from '../../stats/histogram.ts';
import { cpuPerMillion } from '../../stats/proc-stats.ts';
import { type Box, checkPortBudget, loadAddress, startBox } from '../box-process.ts';
import { split } from '../load-fleet.ts';
import { type NodeProbe, probeNode } from '../node-probe.ts';
import type { Figures } from '../result.ts';
import type { BoxParams } from '../scenario-params.ts';
import { startServerProcess } from '../server-process.ts';
import { connect, finish, measure, type RunContext, type Session, withServer } from '../session.ts';
import { benchSymbols, lineageFlags, QUIET, type Target } from '../targets.ts';
import { MB, p, row } from './row.ts';

export async function runBoxScenario(
  ctx: RunContext,
  target: Target,
  params: BoxParams,
  stallMs: number,
): Promise<Figures> {
  const workload = { symbols: benchSymbols(params.symbols), intervalMs: params.intervalMs };
  const isBox = target.name === 'lineage-box';
  const connections = isBox ? params.connections : Math.round(params.connections / params.gateways);
  const loaders = Math.max(1, Math.ceil(connections / params.perLoader));
  const steps = Math.ceil(connections / params.step);
  const lifetimeMs = steps * 60_000 + params.settleMs * 2 + params.measureMs + 300_000;
  // Each load process's share (a step's remainder may add one per step), plus its reference connection.
  const share = Math.ceil(connections / loaders) + steps + 1;
  const hold = (s: Session, nodes: NodeProbe[], box: Box | null) =>
    holdConnections(ctx, s, { name: target.name, nodes, box, connections, params, stallMs });
  if (isBox) {
    const sockets = new Map(split(connections, loaders).map((_, i) => [loadAddress(i), share] as const));
    checkPortBudget(sockets);
    const box = await startBox(
      params.gateways,
      lineageFlags(workload, { symbols: workload.symbols, ...QUIET }),
      ctx.clkTck,
    );
    ctx.log(
      `  box: Redis, sim, ${params.gateways} gateways on port ${box.port}; load to ${[...sockets.keys()].join(', ')}`,
    );
    return withServer(ctx, box, target, workload, loaders, lifetimeMs, (s) => hold(s, box.gateways, box));
  }
  // One `--role all` node on 127.0.0.1: every load process connects to that one address.
  checkPortBudget(new Map([['127.0.0.1', connections + loaders]]));
  const server = await startServerProcess(target.command(workload), 20_000, ctx.clkTck);
  const served = { ...server, urlFor: () => server.url };
  let node: NodeProbe;
  try {
    node = await probeNode(target.name, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return withServer(ctx, served, target, workload, loaders, lifetimeMs, (s) => hold(s, [node], null));
}

interface Hold {
  name: Target['name'];
  /** The processes that hold the connections: the gateways of a box, or the one node. */
  nodes: NodeProbe[];
  box: Box | null;
  connections: number;
  params: BoxParams;
  stallMs: number;
}

/** Each node's smallest RSS over `ms` (bytes). */
async function rssFloor(nodes: NodeProbe[], ms: number): Promise<number[]> {
  const min = nodes.map(() => Number.POSITIVE_INFINITY);
  const end = performance.now() + ms;
  do {
    for (const [i, n] of nodes.entries()) min[i] = Math.min(min[i] as number, n.rssBytes());
    await Bun.sleep(250);
  } while (performance.now() < end);
  return min;
}

async function holdConnections(ctx: RunContext, s: Session, h: Hold): Promise<Figures> {
  const { nodes, params } = h;
  await Bun.sleep(params.settleMs);
  const rssBefore = await rssFloor(nodes, 1000);
  const connectMs = new Histogram();
  let opened = 0;
  let failed = 0;
  let connectSeconds = 0;
  while (opened + failed < h.connections) {
    const c = await connect(s, Math.min(params.step, h.connections - opened - failed), params.concurrency);
    opened += c.opened;
    failed += c.failed;
    connectSeconds += c.seconds;
    connectMs.merge(c.connectMs);
    const counts = await Promise.all(nodes.map((n) => n.connections()));
    ctx.log(
      `  ${h.name}: ${opened} open, ${failed} failed (${(c.opened / c.seconds).toFixed(0)} connects/s); per process ${counts.join(' / ')}`,
    );
  }
  await Bun.sleep(params.settleMs);
  const others = h.box === null ? [] : [h.box.sim, h.box.redis];
  const lag0 = await readLag(nodes);
  const cpu0 = nodes.map((n) => n.cpuSeconds());
  const other0 = others.map((o) => o.cpuSeconds());
  const w = await measure(s, params.measureMs);
  const cpu = nodes.map((n, i) => n.cpuSeconds() - (cpu0[i] as number));
  const other = others.map((o, i) => o.cpuSeconds() - (other0[i] as number));
  const lag1 = await readLag(nodes);
  const counts = await Promise.all(nodes.map((n) => n.connections()));
  const rssAfter = nodes.map((n) => n.rssBytes());
  const finished = await finish(s, h.stallMs);
  // Every client holds the same topics, so each process delivers in proportion to the connections it holds (its count
  // includes a load process's reference connection now and then: one in thousands).
  const total = counts.reduce((a, n) => a + n, 0);
  const extra: Record<string, number> = { nodes: nodes.length };
  const rssKB: number[] = [];
  const cpuPer: number[] = [];
  nodes.forEach((_, i) => {
    const held = counts[i] as number;
    rssKB.push(((rssAfter[i] as number) - (rssBefore[i] as number)) / Math.max(1, held) / 1024);
    cpuPer.push(cpuPerMillion(cpu[i] as number, (w.deliveries * held) / Math.max(1, total)));
    extra[`node${i + 1}Connections`] = held;
    extra[`node${i + 1}RssPerConnectionKB`] = rssKB[i] as number;
    extra[`node${i + 1}CpuPerMillion`] = cpuPer[i] as number;
  });
  return row('box', h.name, w, finished, {
    connections: h.connections,
    // The worst process: the target holds for each gateway.
    rssPerConnectionKB: Math.max(...rssKB),
    connectsPerS: opened / connectSeconds,
    extra: {
      ...extra,
      nodeConnectionsMin: Math.min(...counts),
      nodeConnectionsMax: Math.max(...counts),
      nodeCpuPerMillionMax: Math.max(...cpuPer),
      rssBaselineMB: rssBefore.reduce((a, b) => a + b, 0) / nodes.length / MB,
      rssHeldMB: rssAfter.reduce((a, b) => a + b, 0) / nodes.length / MB,
      ...(h.box === null
        ? {}
        : {
            simCpuPerMillion: cpuPerMillion(other[0] as number, w.deliveries),
            redisCpuPerMillion: cpuPerMillion(other[1] as number, w.deliveries),
            // Every process of the box (gateways, sim, Redis) per second of the window.
            boxCores: (cpu.reduce((a, b) => a + b, 0) + other.reduce((a, b) => a + b, 0)) / w.seconds,
            // How old the window's events were when the gateways read them from Redis (the rest of an event's age
            // on arrival is the gateway's fan-out and the load process's reading).
            gatewayReadAgeMs: ((lag1.sum - lag0.sum) / Math.max(1, lag1.count - lag0.count)) * 1000,
          }),
      eventsPerSPerClient: (1000 / params.intervalMs) * params.symbols,
      connectP99Ms: p(connectMs, 0.99),
      failedConnects: failed,
    },
  });
}

/** The gateways' `lineage_broker_read_lag_seconds` histogram, sum and count over all of them. */
async function readLag(nodes: NodeProbe[]): Promise<{ sum: number; count: number }> {
  const of = (suffix: string) =>
    Promise.all(nodes.map((n) => n.metric(`lineage_broker_read_lag_seconds_${suffix}`))).then((v) =>
      v.reduce((a, b) => a + b, 0),
    );
  return { sum: await of('sum'), count: await of('count') };
}
