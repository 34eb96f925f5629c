// The box under test: a Redis, one sim node and G gateways sharing one WebSocket port (SO_REUSEPORT), each a direct
// child of the bench (so its pid is what /proc measures and what is ended), started as `bun run box` starts them.
//
// The gateways bind 0.0.0.0 so that load process i can connect to its own loopback address, 127.0.0.(i + 1): the
// kernel picks an ephemeral source port per (source, destination) pair, about 28,000 of them (ip_local_port_range),
// so one destination address could not carry 60,000 connections. Spreading over destinations needs no change to the
// machine's settings (the port range is left as it is).
import { readFileSync } from 'node:fs';
import { nodeCommand, redisCommand } from '../../src/cli/box.ts';
import { describeError } from '../../src/lib/describe-error.ts';
import { type NodeProbe, probeNode } from './node-probe.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';
import type { Served } from './session.ts';

export interface Box extends Served {
  /** The gateways, in start order (their CPU and RSS together are the box's `cpuSeconds` and `rssBytes`). */
  gateways: NodeProbe[];
  sim: NodeProbe;
  redis: ServerProcess;
  /** The shared WebSocket port. */
  port: number;
}

/** The loopback address load process `i` connects to (127.0.0.1, 127.0.0.2, …). */
export function loadAddress(i: number): string {
  if (!Number.isInteger(i) || i < 0 || i > 253) throw new Error(`no loopback address for load process ${i}`);
  return `127.0.0.${i + 1}`;
}

/** Ephemeral ports the kernel has for one (source, destination) pair: ip_local_port_range's size (null: unknown). */
export function ephemeralPorts(range = '/proc/sys/net/ipv4/ip_local_port_range'): number | null {
  try {
    const [lo, hi] = readFileSync(range, 'utf8').trim().split(/\s+/).map(Number);
    return lo !== undefined && hi !== undefined && hi >= lo ? hi - lo + 1 : null;
  } catch {
    return null;
  }
}

/** Throw, before anything starts, when some destination address would need more source ports than there are. */
export function checkPortBudget(sockets: ReadonlyMap<string, number>, ports = ephemeralPorts()): void {
  if (ports === null) return;
  for (const [address, n] of sockets)
    if (n > ports)
      throw new Error(
        `${n} sockets to ${address} need more source ports than ip_local_port_range has (${ports}): use more load processes`,
      );
}

function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** Start Redis, the sim node and `gateways` gateways with `flags`; on any failure, end what was started and throw. */
export async function startBox(gateways: number, flags: readonly string[], clkTck: number): Promise<Box> {
  let redis: ServerProcess | null = null;
  let sim: ServerProcess | null = null;
  const started: ServerProcess[] = [];
  const stop = async () => {
    // Gateways first, then the sim node, then Redis (the order `bun run box` stops them in).
    await Promise.all(started.map((g) => g.stop()));
    await sim?.stop();
    await redis?.stop();
  };
  try {
    const redisPort = freePort();
    redis = await startServerProcess(redisCommand(redisPort), 10_000, clkTck, /Ready to accept connections/).catch(
      (error: unknown) => {
        throw new Error(`redis-server did not start (is it installed? bun test/setup.ts): ${describeError(error)}`);
      },
    );
    const base = { redisUrl: `redis://127.0.0.1:${redisPort}`, metricsPort: 0, extra: flags };
    sim = await startServerProcess(nodeCommand('sim', { ...base, host: '127.0.0.1', port: 0 }), 20_000, clkTck);
    const simProbe = await probeNode('sim', sim);
    // The first gateway takes a free port; the others bind the same one (all with SO_REUSEPORT).
    let port = 0;
    const probes: NodeProbe[] = [];
    for (let i = 0; i < gateways; i++) {
      const g = await startServerProcess(nodeCommand('gateway', { ...base, host: '0.0.0.0', port }), 20_000, clkTck);
      started.push(g);
      probes.push(await probeNode(`gateway ${i + 1}`, g));
      if (i === 0) port = Number(new URL(g.url).port);
    }
    return {
      gateways: probes,
      sim: simProbe,
      redis,
      port,
      urlFor: (i) => `ws://${loadAddress(i)}:${port}`,
      cpuSeconds: () => probes.reduce((a, g) => a + g.cpuSeconds(), 0),
      mainThreadCpuSeconds: () => probes.reduce((a, g) => a + g.mainThreadCpuSeconds(), 0),
      rssBytes: () => probes.reduce((a, g) => a + g.rssBytes(), 0),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
