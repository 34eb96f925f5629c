// The bits of RFC 6455 a load client needs: its upgrade request, masked client frames, and an incremental frame reader.

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** Largest frame the reader accepts (the server's arena frames with 1,000 agents are ~150 KB). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

const encoder = new TextEncoder();

/** The HTTP/1.1 upgrade request for `path` (with query) on `host`, offering `extensions` when given. */
export function upgradeRequest(host: string, path: string, key: string, extensions?: string): string {
  const offer = extensions === undefined ? '' : `Sec-WebSocket-Extensions: ${extensions}\r\n`;
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${offer}\r\n`;
}

/** A random Sec-WebSocket-Key (16 bytes, base64). */
export function randomKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

/** A masked client frame (every client→server frame must be masked). */
export function clientFrame(
  opcode: number,
  payload: Uint8Array | string,
  mask: Uint8Array = crypto.getRandomValues(new Uint8Array(4)),
): Uint8Array {
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const n = body.length;
  const header = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(header + 4 + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65536) {
    out[1] = 0x80 | 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(mask.subarray(0, 4), header);
  for (let i = 0; i < n; i++) out[header + 4 + i] = (body[i] as number) ^ (mask[i & 3] as number);
  return out;
}

/** A close frame's payload: the 2-byte code and the reason. */
export function closePayload(code: number, reason = ''): Uint8Array {
  const r = encoder.encode(reason);
  const out = new Uint8Array(2 + r.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(r, 2);
  return out;
}

/**
 * Called for each complete message: `bytes[start, end)` is the (unmasked) payload; `compressed` is the first frame's
 * RSV1 bit (permessage-deflate: the payload is deflated).
 */
export type FrameHandler = (opcode: number, bytes: Uint8Array, start: number, end: number, compressed: boolean) => void;

/**
 * Reassembles server frames from TCP chunks. Complete frames are handed over in place (no copy); only a frame split
 * across chunks is buffered. Fragmented messages (FIN = 0) are joined; control frames may interleave with them.
 */
export class FrameReader {
  private pending: Uint8Array | null = null;
  private fragments: Uint8Array[] = [];
  private fragmentOpcode = 0;
  private fragmentCompressed = false;
  /** Set when the peer sent something this reader cannot accept (a masked or oversized frame). */
  error: string | null = null;

  push(chunk: Uint8Array, onFrame: FrameHandler): void {
    let d = chunk;
    if (this.pending !== null) {
      const joined = new Uint8Array(this.pending.length + chunk.length);
      joined.set(this.pending);
      joined.set(chunk, this.pending.length);
      d = joined;
      this.pending = null;
    }
    let o = 0;
    const n = d.length;
    while (o + 2 <= n && this.error === null) {
      const b0 = d[o] as number;
      const b1 = d[o + 1] as number;
      if (b1 & 0x80) {
        this.error = 'server frames must not be masked';
        return;
      }
      let len = b1 & 0x7f;
      let h = 2;
      if (len === 126) {
        if (o + 4 > n) break;
        len = ((d[o + 2] as number) << 8) | (d[o + 3] as number);
        h = 4;
      } else if (len === 127) {
        if (o + 10 > n) break;
        const big = new DataView(d.buffer, d.byteOffset + o + 2, 8).getBigUint64(0);
        if (big > BigInt(MAX_FRAME_BYTES)) {
          this.error = 'frame too large';
          return;
        }
        len = Number(big);
        h = 10;
      }
      if (len > MAX_FRAME_BYTES) {
        this.error = 'frame too large';
        return;
      }
      if (o + h + len > n) break;
      const start = o + h;
      const end = start + len;
      o = end;
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const rsv1 = (b0 & 0x40) !== 0;
      if (opcode >= 0x8) {
        onFrame(opcode, d, start, end, false);
      } else if (opcode === OP_CONTINUATION) {
        this.fragments.push(d.slice(start, end));
        if (fin) this.deliverFragments(onFrame);
      } else if (!fin) {
        this.fragmentOpcode = opcode;
        this.fragmentCompressed = rsv1;
        this.fragments = [d.slice(start, end)];
      } else {
        onFrame(opcode, d, start, end, rsv1);
      }
    }
    if (o < n) this.pending = d.slice(o);
  }

  private deliverFragments(onFrame: FrameHandler): void {
    const total = this.fragments.reduce((a, f) => a + f.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const f of this.fragments) {
      joined.set(f, at);
      at += f.length;
    }
    this.fragments = [];
    onFrame(this.fragmentOpcode, joined, 0, total, this.fragmentCompressed);
  }
}
