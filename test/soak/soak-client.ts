// One soak load process: steady, churning, re-subscribing and slow clients against a server; prints a JSON report.
// Run by test/soak/soak.ts; config in the SOAK_CLIENT env var as JSON.
import WebSocket from 'ws';

interface Config {
  url: string;
  durationMs: number;
  steady: number;
  churn: number;
  subChurn: number;
  slow: number;
  slowPauseMs: number;
}
const cfg = JSON.parse(process.env.SOAK_CLIENT ?? '{}') as Config;
const ALL = 'topics=market,agent,arena';
const TOPICS = ['market', 'agent', 'arena', 'market.BTC-USD', 'market.ETH-USD', 'agent.Balanced'];
const report = {
  connects: 0,
  connectFailures: 0,
  deliveries: 0,
  lost: 0,
  duplicated: 0,
  slowClosed1013: 0,
  slowResumed: 0,
  resumedOk: 0,
  resumeFailed: 0,
  closes: {} as Record<string, number>,
  errors: 0,
};
const deadline = Date.now() + cfg.durationMs;
let stopping = false;
const open = new Set<WebSocket>();

function connect(
  url: string,
  onMessage: (f: any, ws: WebSocket) => void,
  onClose: (code: number) => void,
): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      report.connects++;
      open.add(ws);
      resolve(ws);
    });
    ws.on('message', (d) => onMessage(JSON.parse(String(d)), ws));
    ws.on('close', (code) => {
      open.delete(ws);
      report.closes[code] = (report.closes[code] ?? 0) + 1;
      onClose(code);
    });
    ws.on('error', () => {
      report.connectFailures++;
      resolve(null);
    });
  });
}

/** A client that must see every event once: tracks sequence, resumes with since after any close. */
async function steady(slow: boolean): Promise<void> {
  let last = 0;
  let epoch = '';
  let pausedOnce = false;
  /** A slow client closed with 1013 owes us a successful resume. */
  let owesResume = false;
  while (!stopping) {
    let closedCode = 0;
    const done = new Promise<void>((r) => {
      void connect(
        `${cfg.url}?${ALL}${last > 0 ? `&since=${last}&epoch=${epoch}` : ''}`,
        (f) => {
          if (f.event_type === 'welcome') {
            if (epoch && f.epoch !== epoch) last = 0;
            epoch = f.epoch;
            if (last === 0) last = f.sequence;
            return;
          }
          if (f.event_type === 'resumed') {
            report.resumedOk++;
            if (owesResume) report.slowResumed++;
            owesResume = false;
          }
          if (f.event_type === 'resume_failed') report.resumeFailed++;
          if (f.snapshot || typeof f.sequence !== 'number' || !['market', 'agent', 'arena'].includes(f.event_type))
            return;
          if (f.sequence <= last) report.duplicated++;
          else {
            if (f.sequence !== last + 1) report.lost += f.sequence - last - 1;
            last = f.sequence;
            report.deliveries++;
          }
        },
        (code) => {
          closedCode = code;
          r();
        },
      ).then((ws) => {
        if (ws === null) r();
        else if (slow && !pausedOnce) {
          // Stop reading (from the start, so the kernel never grows our window) until the server gives up on us
          // with 1013; then read what was buffered and resume where it ends.
          pausedOnce = true;
          ws.pause();
          setTimeout(() => ws.resume(), cfg.slowPauseMs * (0.9 + Math.random() * 0.2));
        }
      });
    });
    await done;
    if (slow && closedCode === 1013) {
      report.slowClosed1013++;
      owesResume = true;
    }
    if (stopping) return;
    await Bun.sleep(closedCode === 1013 ? 0 : 100);
  }
}

async function churner(): Promise<void> {
  while (!stopping) {
    const ws = await connect(
      `${cfg.url}?topics=arena`,
      () => {},
      () => {},
    );
    await Bun.sleep(200 + Math.random() * 1500);
    ws?.close();
    await Bun.sleep(50);
  }
}

async function subChurner(): Promise<void> {
  while (!stopping) {
    let open = true;
    const ws = await connect(
      `${cfg.url}?topics=arena`,
      (f) => f.event_type === 'error' && report.errors++,
      () => (open = false),
    );
    if (ws === null) {
      await Bun.sleep(200);
      continue;
    }
    while (open && !stopping) {
      const t = TOPICS[Math.floor(Math.random() * TOPICS.length)] as string;
      ws.send(JSON.stringify({ op: Math.random() < 0.5 ? 'subscribe' : 'unsubscribe', topics: [t] }));
      await Bun.sleep(100 + Math.random() * 200);
    }
    ws.close();
  }
}

const tasks: Promise<void>[] = [];
for (let i = 0; i < cfg.steady; i++) tasks.push(steady(false));
for (let i = 0; i < cfg.slow; i++) tasks.push(steady(true));
for (let i = 0; i < cfg.churn; i++) tasks.push(churner());
for (let i = 0; i < cfg.subChurn; i++) tasks.push(subChurner());
await Bun.sleep(Math.max(0, deadline - Date.now()));
stopping = true;
// Close everything and let every client finish reading what it was sent, so the report is complete.
for (const ws of open) {
  ws.resume();
  ws.close();
}
await Promise.race([Promise.all(tasks), Bun.sleep(20_000)]);
console.log(JSON.stringify(report));
process.exit(0);
