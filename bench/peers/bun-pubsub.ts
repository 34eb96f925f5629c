// Reference server 1: bare Bun.serve pub/sub — one server.publish per topic per event, no other logic. Run with bun.
// A clock worker posts the due times (as Lineage's simulation worker does), so publishes run in a message callback.
import { MarketFeed, marketTopics } from './market-feed.ts';
import { parsePeerArgs } from './peer-args.ts';
import { type ConnectParams, connectParams, handleMessage, openSession, type PeerSocket } from './peer-session.ts';

interface Data {
  params: ConnectParams;
  held: Set<string>;
}

const args = parsePeerArgs(process.argv.slice(2));
let feed: MarketFeed;

const server = Bun.serve<Data>({
  hostname: args.host,
  port: args.port,
  fetch(req, srv) {
    const url = new URL(req.url);
    if (srv.upgrade(req, { data: { params: connectParams(url), held: new Set<string>() } })) return undefined;
    return new Response('bare Bun pub/sub reference server (WebSocket only)\n', { status: 426 });
  },
  websocket: {
    perMessageDeflate: false,
    idleTimeout: 960,
    open(ws) {
      openSession(ws as PeerSocket, ws.data.held, ws.data.params, feed);
    },
    message(ws, message) {
      handleMessage(ws as PeerSocket, ws.data.held, String(message), feed);
    },
  },
});

feed = new MarketFeed({
  symbols: args.symbols,
  intervalMs: args.intervalMs,
  history: args.history,
  publish(event) {
    for (const topic of marketTopics(event.symbol)) server.publish(topic, event.json);
  },
});
const clock = new Worker(new URL('./clock-worker.ts', import.meta.url).href);
clock.onmessage = (event: MessageEvent) => {
  for (const at of event.data as number[]) feed.step(at);
};
clock.postMessage({ intervalMs: args.intervalMs });

console.log(`📡 WebSocket server listening on ws://${args.host}:${server.port}`);
const stop = () => {
  clock.terminate();
  server.stop(true);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, args.maxLifetimeS * 1000).unref();
