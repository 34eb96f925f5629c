// An SSE load client on a raw TCP socket: `GET /sse?…`, the chunked body decoded in place, each event's data handed on.
import type { Socket } from 'bun';
import type { RawHandlers, WireSocket } from './raw-ws.ts';
import { ResponseHead } from './response-head.ts';
import { ChunkedDecoder, SseParser } from './sse-wire.ts';
import { SocketPacer } from './throttle.ts';

/** The SSE URL of a stream server's WebSocket URL: same host, `/sse`, the query kept. */
export function sseUrl(wsUrl: string): string {
  const u = new URL(wsUrl);
  return `http://${u.host}/sse${u.search}`;
}

export class SseSocket implements WireSocket {
  private socket: Socket<undefined> | null = null;
  /** The response head, until it has been read. */
  private head: ResponseHead | null = new ResponseHead();
  private chunked: ChunkedDecoder | null = null;
  private readonly parser = new SseParser();
  private readonly pacer = new SocketPacer();
  private ended = false;
  private closing = false;
  private closeCode = 1006;

  /** `url` is the server's WebSocket URL with the query (`?topics=…`); the stream is read from `/sse` on its host. */
  constructor(
    url: string,
    private readonly handlers: RawHandlers,
    private readonly now: () => number,
  ) {
    const u = new URL(sseUrl(url));
    const request = `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n\r\n`;
    Bun.connect<undefined>({
      hostname: u.hostname,
      port: Number(u.port || 80),
      socket: {
        open: (s) => {
          this.socket = s;
          if (this.closing) return void s.end();
          s.write(request);
        },
        data: (_s, data) => this.onData(data),
        close: () => this.finish(),
        error: () => this.finish(),
        connectError: () => this.finish(),
        end: () => this.finish(),
      },
    }).catch(() => this.finish());
  }

  /** SSE is one-way: a client cannot send on its stream. */
  send(_text: string): void {}

  close(): void {
    if (this.closing || this.ended) return;
    this.closing = true;
    this.closeCode = 1000;
    this.socket?.end();
  }

  setReadRate(bytesPerS: number): void {
    this.pacer.setRate(bytesPerS);
  }

  private onData(data: Buffer): void {
    if (this.ended) return;
    const now = this.now();
    this.handlers.chunk?.(data.length);
    this.read(data, now);
    if (this.socket !== null) this.pacer.read(this.socket, data.length, now);
  }

  private read(data: Buffer, now: number): void {
    let body: Uint8Array = data;
    if (this.head !== null) {
      const r = this.head.push(data);
      if (r === 'more') return;
      if (r === 'too_large' || !/^HTTP\/1\.1 200 /.test(r.head)) return this.abort(1002);
      this.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(r.head) ? new ChunkedDecoder() : null;
      this.head = null;
      body = r.rest;
      this.handlers.open();
    }
    const onData = (bytes: Uint8Array, start: number, end: number) => {
      if (!this.closing && !this.ended) this.handlers.text(bytes, start, end, now);
    };
    if (this.chunked === null) return this.parser.push(body, 0, body.length, onData);
    this.chunked.push(body, (bytes, start, end) => this.parser.push(bytes, start, end, onData));
    if (this.chunked.error !== null) this.abort(1002);
    // The server ended the stream (shutdown, or a slow consumer's stream closed): like a close frame.
    else if (this.chunked.done) this.abort(1000);
  }

  private abort(code: number): void {
    this.closeCode = code;
    this.socket?.end();
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.pacer.stop();
    this.socket = null;
    this.handlers.close(this.closeCode, this.closing);
  }
}
