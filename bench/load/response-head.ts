// The head of an HTTP response read off a raw TCP socket in chunks (the WebSocket upgrade's 101, the SSE stream's
// 200): bytes are kept until the blank line, then the head's text and whatever followed it in the same chunk.

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/** `more`: the head is not complete yet · `too_large`: no blank line within the bound · else the head and the rest. */
export type HeadRead = 'more' | 'too_large' | { head: string; rest: Uint8Array };

export class ResponseHead {
  private kept: Buffer = Buffer.alloc(0);

  push(data: Buffer): HeadRead {
    const joined: Buffer = this.kept.length === 0 ? data : Buffer.concat([this.kept, data]);
    const i = joined.indexOf(HEADER_END);
    if (i === -1) {
      if (joined.length > MAX_HEADER_BYTES) return 'too_large';
      this.kept = joined;
      return 'more';
    }
    this.kept = Buffer.alloc(0);
    return { head: joined.toString('latin1', 0, i), rest: joined.subarray(i + HEADER_END.length) };
  }
}
