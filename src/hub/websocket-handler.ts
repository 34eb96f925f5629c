// Bun's one static `websocket` handler: the hub's limits, and each callback a guarded session transition.
import type { WebSocketHandler } from 'bun';
import type { HubOptions } from './hub.ts';
import type { Session, Sessions, Socket } from './session.ts';

export function websocketHandler(
  o: HubOptions,
  sessions: Sessions,
  guard: (ws: Socket, fn: () => void) => void,
): WebSocketHandler<Session> {
  return {
    maxPayloadLength: o.maxPayloadBytes,
    // Our own bound (sendBufferBytes, checked by the hub's sweep) closes the client first, with 1013. Should Bun's limit
    // be reached anyway, Bun closes the socket instead of dropping frames: the client resumes, nothing is lost silently.
    backpressureLimit: o.sendBufferBytes * 2 + 4 * 1024 * 1024,
    closeOnBackpressureLimit: true,
    idleTimeout: o.idleTimeoutS,
    sendPings: true,
    publishToSelf: false,
    // The shared compressor keeps no per-socket window, so a published frame is compressed once for every subscriber;
    // a dedicated one (a 4 KB window per socket) compresses far better, at a compression per subscriber.
    perMessageDeflate:
      o.compression === 'shared'
        ? { compress: 'shared', decompress: 'shared' }
        : o.compression === 'dedicated'
          ? { compress: '4KB', decompress: 'shared' }
          : false,
    open: (ws) => guard(ws, () => sessions.open(ws)),
    message: (ws, message) => guard(ws, () => sessions.frame(ws, message)),
    drain: (ws) => guard(ws, () => sessions.drain(ws)),
    close: (ws, code, reason) => guard(ws, () => sessions.closed(ws, code, reason)),
  };
}
