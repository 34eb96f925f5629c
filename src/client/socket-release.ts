// Letting go of a socket: our handlers detached, then closed (a dead socket may refuse; it is abandoned either way).
import type { SocketLike } from './client-events.ts';

export function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onerror = null;
  socket.onclose = null;
}

/** Detach our handlers and close; a socket that is already dead may refuse, and is abandoned either way. */
export function release(socket: SocketLike, code: number, reason: string): void {
  detach(socket);
  try {
    socket.close(code, reason);
  } catch {
    // Nothing to release.
  }
}
