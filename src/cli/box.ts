// `bun run box`: one box, one port, more connections than one process's fd limit allows. Starts a Redis (unless
// --redis-url names one), one sim node, and N gateways that share the WebSocket port (--reuse-port, so the kernel
// spreads new connections across them), each with its own metrics port. Ctrl-C stops them all, gateways first.
//
//   bun run box --gateways 3 --port 9001 [--redis-url redis://…] [-- <more flags for every node>]
import { describeError } from '../lib/describe-error.ts';

export interface BoxArgs {
  gateways: number;
  port: number;
  host: string;
  /** The sim node's metrics port; gateway i gets metricsPort + 1 + i. */
  metricsPort: number;
  redisUrl: string | null;
  /** Flags passed to every node (after `--`). */
  extra: string[];
}

const USAGE =
  'usage: bun run box [--gateways N] [--port P] [--host H] [--metrics-port M] [--redis-url URL] [-- <node flags>]';

/** Parse the box's own flags; throws a one-line message naming the problem. */
export function parseBoxArgs(argv: readonly string[]): BoxArgs {
  const out: BoxArgs = { gateways: 2, port: 9001, host: '127.0.0.1', metricsPort: 9184, redisUrl: null, extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--') {
      out.extra = argv.slice(i + 1);
      break;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag}: needs a value (${USAGE})`);
    const int = (min: number, max: number) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag}: must be an integer ${min}–${max}`);
      return n;
    };
    if (flag === '--gateways') out.gateways = int(1, 64);
    else if (flag === '--port') out.port = int(1, 65535);
    else if (flag === '--metrics-port') out.metricsPort = int(1, 65535 - 65);
    else if (flag === '--host') out.host = value;
    else if (flag === '--redis-url') out.redisUrl = value;
    else throw new Error(`unknown flag ${JSON.stringify(flag)} (${USAGE})`);
  }
  return out;
}

type Child = ReturnType<typeof Bun.spawn>;

/** A Redis for the box alone: loopback only, nothing saved. */
export function redisCommand(port: number): string[] {
  return ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', ''];
}

/** One node of the box: the sim node, or a gateway on the shared port (`--reuse-port`). The bench starts the same. */
export function nodeCommand(
  role: 'sim' | 'gateway',
  o: { redisUrl: string; host: string; port: number; metricsPort: number; extra: readonly string[] },
): string[] {
  return [
    'bun',
    `${import.meta.dir}/../main.ts`,
    '--redis-url',
    o.redisUrl,
    '--host',
    o.host,
    '--role',
    role,
    ...(role === 'gateway' ? ['--reuse-port', 'true'] : []),
    '--port',
    String(o.port),
    '--metrics-port',
    String(o.metricsPort),
    ...o.extra,
  ];
}

/** A free TCP port on the loopback (bound, then released). */
function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

async function waitHealthy(url: string, child: Child, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with status ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(100);
  }
  throw new Error(`${what} did not become healthy within ${timeoutMs / 1000} s (${url})`);
}

export async function runBox(args: BoxArgs, log: (line: string) => void): Promise<number> {
  const children: { name: string; child: Child }[] = [];
  const spawn = (name: string, cmd: string[]) => {
    const child = Bun.spawn(cmd, { stdout: 'inherit', stderr: 'inherit', stdin: 'ignore' });
    children.push({ name, child });
    return child;
  };
  const stopAll = async () => {
    // Gateways first (their clients get the shutdown notice), then the sim node, then Redis.
    for (const { child } of [...children].reverse()) {
      if (child.exitCode === null) child.kill('SIGTERM');
      await child.exited;
    }
  };
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    let redisUrl = args.redisUrl;
    if (redisUrl === null) {
      const port = freePort();
      const redis = spawn('redis', redisCommand(port));
      redisUrl = `redis://127.0.0.1:${port}`;
      await Bun.sleep(200);
      if (redis.exitCode !== null) throw new Error('redis-server did not start (is it installed?)');
    }
    const base = { redisUrl, host: args.host, extra: args.extra };
    const sim = spawn('sim', nodeCommand('sim', { ...base, port: freePort(), metricsPort: args.metricsPort }));
    await waitHealthy(`http://127.0.0.1:${args.metricsPort}/health`, sim, 'the sim node');
    const metrics: string[] = [];
    for (let i = 0; i < args.gateways; i++) {
      const m = args.metricsPort + 1 + i;
      const g = spawn(`gateway ${i + 1}`, nodeCommand('gateway', { ...base, port: args.port, metricsPort: m }));
      await waitHealthy(`http://127.0.0.1:${m}/health`, g, `gateway ${i + 1}`);
      metrics.push(`http://127.0.0.1:${m}/metrics`);
    }
    log(
      `📦 box ready: ws://${args.host}:${args.port} served by ${args.gateways} gateways (one port, SO_REUSEPORT); sim metrics http://127.0.0.1:${args.metricsPort}/metrics; gateway metrics ${metrics.join(' ')}`,
    );
    // Any node that exits on its own ends the box: the others are stopped too.
    const first = await Promise.race(children.map(({ name, child }) => child.exited.then((code) => ({ name, code }))));
    if (stopping) return 0;
    log(`lineage box: ${first.name} exited with status ${first.code}; stopping the others`);
    await stopAll();
    return 1;
  } catch (error) {
    log(`lineage box: ${describeError(error)}`);
    await stopAll();
    return 1;
  }
}

if (import.meta.main) {
  try {
    process.exitCode = await runBox(parseBoxArgs(process.argv.slice(2)), (line) => console.error(line));
  } catch (error) {
    console.error(`lineage box: ${describeError(error)}`);
    process.exitCode = 2;
  }
}
