// A lean WebSocket client on a raw TCP socket (Bun.connect): frames are read in place, text is never decoded on the hot path.
import type { Socket } from 'bun';
import { DEFLATE_OFFER, MessageInflater, parseDeflateAgreement } from './deflate.ts';
import { ResponseHead } from './response-head.ts';
import { SocketPacer } from './throttle.ts';
import {
  clientFrame,
  closePayload,
  FrameReader,
  OP_CLOSE,
  OP_PING,
  OP_PONG,
  OP_TEXT,
  randomKey,
  upgradeRequest,
} from './ws-wire.ts';

export interface RawHandlers {
  /** A text message: `bytes[start, end)`; `now` is when its TCP chunk was read. */
  text(bytes: Uint8Array, start: number, end: number, now: number): void;
  /** The server accepted the upgrade. */
  open(): void;
  /** The connection ended (code 1006 when there was no close frame; `clean` when this side asked for it). */
  close(code: number, clean: boolean): void;
  /** Bytes read from the socket (every TCP chunk, headers and framing included): what crossed the wire. */
  chunk?(bytes: number): void;
}

export interface RawOptions {
  /** Offer permessage-deflate and inflate the messages that come compressed. */
  deflate?: boolean;
}

/** What the stream clients need of a connection, whatever carries it (WebSocket or SSE). */
export interface WireSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** Read at most `bytesPerS` on average from now on, pausing the socket in between (0: as fast as it can). */
  setReadRate(bytesPerS: number): void;
}

/** How long a closing connection waits for the server's close frame before dropping the socket. */
const CLOSE_WAIT_MS = 1000;

export class RawWebSocket implements WireSocket {
  private socket: Socket<undefined> | null = null;
  private inflater: MessageInflater | null = null;
  private readonly pacer = new SocketPacer();
  private readonly reader = new FrameReader();
  /** The upgrade's response head, until it has been read (null: the connection is open). */
  private head: ResponseHead | null = new ResponseHead();
  private outbox: Uint8Array[] = [];
  private closing = false;
  private ended = false;
  private closeCode = 1006;

  constructor(
    url: string,
    private readonly handlers: RawHandlers,
    private readonly now: () => number,
    options: RawOptions = {},
  ) {
    const u = new URL(url);
    const offer = options.deflate === true ? DEFLATE_OFFER : undefined;
    const request = upgradeRequest(u.host, `${u.pathname || '/'}${u.search}`, randomKey(), offer);
    Bun.connect<undefined>({
      hostname: u.hostname,
      port: Number(u.port || 80),
      socket: {
        open: (s) => {
          this.socket = s;
          if (this.closing) return void s.end();
          this.write(Buffer.from(request));
        },
        data: (_s, data) => this.onData(data),
        drain: () => this.flush(),
        close: () => this.finish(),
        error: () => this.finish(),
        connectError: () => this.finish(),
        end: () => this.finish(),
      },
    }).catch(() => this.finish());
  }

  /** Send a text message. */
  send(text: string): void {
    if (this.closing || this.head !== null) return;
    this.write(clientFrame(OP_TEXT, text));
  }

  setReadRate(bytesPerS: number): void {
    this.pacer.setRate(bytesPerS);
  }

  /** Start the closing handshake (1000); the socket is dropped after the server answers or after a short wait. */
  close(code = 1000, reason = ''): void {
    if (this.closing || this.ended) return;
    this.closing = true;
    const s = this.socket;
    if (s === null) return;
    if (this.head === null) this.write(clientFrame(OP_CLOSE, closePayload(code, reason)));
    setTimeout(() => this.socket?.end(), CLOSE_WAIT_MS);
  }

  private onData(data: Buffer): void {
    if (this.ended) return;
    const now = this.now();
    this.handlers.chunk?.(data.length);
    this.read(data, now);
    if (this.socket !== null) this.pacer.read(this.socket, data.length, now);
  }

  private read(data: Buffer, now: number): void {
    let chunk: Uint8Array = data;
    if (this.head !== null) {
      const r = this.head.push(data);
      if (r === 'more') return;
      if (r === 'too_large') return this.abort();
      if (!/^HTTP\/1\.1 101 /.test(r.head)) {
        this.closeCode = 1002;
        return this.abort();
      }
      const agreement = parseDeflateAgreement(r.head);
      this.inflater = agreement === null ? null : new MessageInflater(agreement);
      this.head = null;
      chunk = r.rest;
      this.handlers.open();
      if (this.closing) return;
      if (chunk.length === 0) return;
    }
    this.reader.push(chunk, (opcode, bytes, start, end, compressed) => {
      if (this.ended) return;
      if (opcode === OP_TEXT) {
        if (this.closing) return;
        if (!compressed) return this.handlers.text(bytes, start, end, now);
        const text = this.inflate(bytes.subarray(start, end));
        if (text !== null) this.handlers.text(text, 0, text.length, now);
      } else if (opcode === OP_PING) {
        this.write(clientFrame(OP_PONG, bytes.slice(start, end)));
      } else if (opcode === OP_CLOSE) {
        this.closeCode = end - start >= 2 ? ((bytes[start] as number) << 8) | (bytes[start + 1] as number) : 1005;
        if (!this.closing) {
          this.closing = true;
          this.write(clientFrame(OP_CLOSE, bytes.slice(start, Math.min(end, start + 2))));
        }
        this.socket?.end();
      }
    });
    if (this.reader.error !== null) {
      this.closeCode = 1002;
      this.abort();
    }
  }

  /** A compressed message's text; null (and the connection failed, 1002) when it cannot be inflated. */
  private inflate(payload: Uint8Array): Uint8Array | null {
    try {
      if (this.inflater === null) throw new Error('compressed frame without permessage-deflate');
      return this.inflater.inflate(payload);
    } catch {
      this.closeCode = 1002;
      this.abort();
      return null;
    }
  }

  private write(bytes: Uint8Array): void {
    const s = this.socket;
    if (s === null || this.ended) return;
    if (this.outbox.length > 0) {
      this.outbox.push(bytes);
      return;
    }
    const n = s.write(bytes);
    if (n < bytes.length) this.outbox.push(bytes.subarray(Math.max(0, n)));
  }

  private flush(): void {
    const s = this.socket;
    while (s !== null && this.outbox.length > 0) {
      const head = this.outbox[0] as Uint8Array;
      const n = s.write(head);
      if (n < head.length) {
        this.outbox[0] = head.subarray(Math.max(0, n));
        return;
      }
      this.outbox.shift();
    }
  }

  private abort(): void {
    this.socket?.terminate();
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
