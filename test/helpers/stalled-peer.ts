// A WebSocket peer that stops reading: a raw upgrade on a TCP socket, then paused, so the server's writes pile up.
import { type Socket as TcpSocket, connect as tcpConnect } from 'node:net';

/**
 * Upgrade `path` on a raw TCP socket and pause it once the handshake's answer arrives: the peer reads no further byte
 * until `resume()`. `cleanups` gets the socket's destroy before anything can fail.
 */
export async function stalledPeer(port: number, path: string, cleanups: (() => void)[]): Promise<TcpSocket> {
  const socket = tcpConnect({ host: '127.0.0.1', port });
  cleanups.push(() => socket.destroy());
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((r) => socket.once('data', () => r()));
  socket.pause();
  return socket;
}
