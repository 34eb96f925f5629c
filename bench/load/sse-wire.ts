// What an SSE load client reads: an HTTP/1.1 chunked body, and in it the `data:` payload of each event.

/** Called with each piece of body (or each event's data): `bytes[start, end)`. */
export type Piece = (bytes: Uint8Array, start: number, end: number) => void;

const CR = 13;
const LF = 10;

/** Decodes `Transfer-Encoding: chunked` incrementally; pieces are handed over in place (no copy). */
export class ChunkedDecoder {
  private state: 'size' | 'data' | 'data-end' | 'done' = 'size';
  private sizeLine = '';
  private remaining = 0;
  /** Set when the body is not valid chunked encoding. */
  error: string | null = null;

  /** The last (empty) chunk arrived: the server ended the response. */
  get done(): boolean {
    return this.state === 'done';
  }

  push(d: Uint8Array, onBody: Piece): void {
    let i = 0;
    while (i < d.length && this.error === null && this.state !== 'done') {
      if (this.state === 'size') {
        const c = d[i++] as number;
        if (c === CR) continue;
        if (c !== LF) {
          if (this.sizeLine.length > 32) this.error = 'chunk size line too long';
          this.sizeLine += String.fromCharCode(c);
          continue;
        }
        const size = Number.parseInt(this.sizeLine.split(';')[0] as string, 16);
        this.sizeLine = '';
        if (!Number.isInteger(size) || size < 0) this.error = 'bad chunk size';
        else if (size === 0) this.state = 'done';
        else {
          this.remaining = size;
          this.state = 'data';
        }
      } else if (this.state === 'data') {
        const n = Math.min(this.remaining, d.length - i);
        onBody(d, i, i + n);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'data-end';
      } else {
        // The CRLF after a chunk's data.
        const c = d[i++] as number;
        if (c === LF) this.state = 'size';
        else if (c !== CR) this.error = 'missing CRLF after chunk';
      }
    }
  }
}

const EVENT_END = Buffer.from('\n\n');
const DATA = Buffer.from('data:');

function startsWith(d: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at + word.length > d.length) return false;
  for (let i = 0; i < word.length; i++) if (d[at + i] !== word[i]) return false;
  return true;
}

/**
 * Splits an event stream into events (blank-line separated) and hands over each event's `data:` line. Lineage writes
 * one `data:` line per event (its JSON has no newline), so a multi-line data field is not joined here.
 */
export class SseParser {
  private pending: Buffer | null = null;

  push(bytes: Uint8Array, start: number, end: number, onData: Piece): void {
    let d = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
    if (this.pending !== null) {
      d = Buffer.concat([this.pending, d]);
      this.pending = null;
    }
    let from = 0;
    for (;;) {
      const at = d.indexOf(EVENT_END, from);
      if (at === -1) break;
      this.event(d, from, at + 1, onData);
      from = at + 2;
    }
    if (from < d.length) this.pending = Buffer.from(d.subarray(from));
  }

  /** One event's lines in d[start, end), each ending with LF. */
  private event(d: Buffer, start: number, end: number, onData: Piece): void {
    let line = start;
    while (line < end) {
      const lf = d.indexOf(LF, line);
      const stop = lf === -1 || lf > end ? end : lf;
      if (startsWith(d, line, DATA)) {
        const at = line + DATA.length;
        onData(d, d[at] === 32 ? at + 1 : at, stop);
      }
      line = stop + 1;
    }
  }
}
