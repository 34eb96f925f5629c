// Reference server 2: Node.js + ws, the usual deployment — topic → Set of sockets, ws.send per subscriber. Bundled for node.
import { createServer } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { MarketFeed, marketTopics } from './market-feed.ts';
import { parsePeerArgs } from './peer-args.ts';
import { connectParams, handleMessage, openSession, type PeerSocket } from './peer-session.ts';

const args = parsePeerArgs(process.argv.slice(2));
const subscribers = new Map<string, Set<WebSocket>>();

function subscribe(ws: WebSocket, topic: string): void {
  let set = subscribers.get(topic);
  if (set === undefined) subscribers.set(topic, (set = new Set()));
  set.add(ws);
}

function unsubscribe(ws: WebSocket, topic: string): void {
  const set = subscribers.get(topic);
  if (set === undefined) return;
  set.delete(ws);
  if (set.size === 0) subscribers.delete(topic);
}

const feed = new MarketFeed({
  symbols: args.symbols,
  intervalMs: args.intervalMs,
  history: args.history,
  publish(event) {
    // Encode once per event (ws would otherwise convert the string for every subscriber), then send to each.
    const frame = Buffer.from(event.json);
    for (const topic of marketTopics(event.symbol)) {
      const set = subscribers.get(topic);
      if (set === undefined) continue;
      for (const ws of set) ws.send(frame, { binary: false });
    }
  },
});

const http = createServer((_req, res) => {
  res.writeHead(426, { 'content-type': 'text/plain' });
  res.end('Node + ws reference server (WebSocket only)\n');
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws, req) => {
  const held = new Set<string>();
  const socket: PeerSocket = {
    send: (text) => ws.send(text),
    subscribe: (topic) => subscribe(ws, topic),
    unsubscribe: (topic) => unsubscribe(ws, topic),
  };
  ws.on('message', (data, isBinary) => {
    if (!isBinary) handleMessage(socket, held, data.toString(), feed);
  });
  ws.on('close', () => {
    for (const t of held) unsubscribe(ws, t);
    held.clear();
  });
  ws.on('error', () => ws.terminate());
  openSession(socket, held, connectParams(new URL(req.url ?? '/', 'ws://peer')), feed);
});

http.listen(args.port, args.host, () => {
  const address = http.address();
  const port = typeof address === 'object' && address !== null ? address.port : args.port;
  console.log(`📡 WebSocket server listening on ws://${args.host}:${port}`);
  feed.start();
});

const stop = () => {
  feed.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, args.maxLifetimeS * 1000).unref();
