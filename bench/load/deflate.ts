// permessage-deflate (RFC 7692) for the load clients: the offer, the server's answer, and inflating each message.
import { constants, inflateRawSync } from 'node:zlib';

/** What a client offers: the extension with its defaults (the client never compresses what it sends). */
export const DEFLATE_OFFER = 'permessage-deflate';

/** The parameters the server agreed to, from its `Sec-WebSocket-Extensions` answer. */
export interface DeflateAgreement {
  /** Each message is compressed on its own (no window carried over), e.g. Bun's shared compressor. */
  serverNoContextTakeover: boolean;
  /** The server's LZ77 window (2^bits bytes): how much earlier output a message may refer back to. */
  serverMaxWindowBits: number;
}

/** The agreement in an upgrade response's headers; null when the server did not accept permessage-deflate. */
export function parseDeflateAgreement(responseHead: string): DeflateAgreement | null {
  for (const line of responseHead.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1 || line.slice(0, colon).trim().toLowerCase() !== 'sec-websocket-extensions') continue;
    for (const offer of line.slice(colon + 1).split(',')) {
      const [name, ...params] = offer.split(';').map((p) => p.trim());
      if (name !== 'permessage-deflate') continue;
      let serverNoContextTakeover = false;
      let serverMaxWindowBits = 15;
      for (const p of params) {
        const [key, value] = p.split('=').map((x) => x.trim());
        if (key === 'server_no_context_takeover') serverNoContextTakeover = true;
        else if (key === 'server_max_window_bits' && value !== undefined) {
          const bits = Number(value.replace(/"/g, ''));
          if (Number.isInteger(bits) && bits >= 8 && bits <= 15) serverMaxWindowBits = bits;
        }
      }
      return { serverNoContextTakeover, serverMaxWindowBits };
    }
  }
  return null;
}

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const EMPTY = Buffer.alloc(0);

/**
 * Inflates one connection's compressed messages in order. With context takeover a message may refer back into the
 * previous messages' output, so the last window of output is handed to zlib as the dictionary: the same as keeping
 * one inflate stream open, but synchronous.
 */
export class MessageInflater {
  private window: Buffer = EMPTY;
  private readonly windowBytes: number;

  constructor(private readonly agreement: DeflateAgreement) {
    this.windowBytes = 2 ** agreement.serverMaxWindowBits;
  }

  inflate(payload: Uint8Array): Buffer {
    const input = Buffer.concat([payload, TAIL]);
    const out = inflateRawSync(input, {
      finishFlush: constants.Z_SYNC_FLUSH,
      ...(this.window.length > 0 ? { dictionary: this.window } : {}),
    });
    if (!this.agreement.serverNoContextTakeover) {
      const joined = this.window.length === 0 ? out : Buffer.concat([this.window, out]);
      this.window = joined.length > this.windowBytes ? joined.subarray(joined.length - this.windowBytes) : joined;
    }
    return out;
  }
}
