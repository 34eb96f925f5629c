// The reference connection of a load process: holds every family, so it sees every published sequence, and indexes them.
import { SequenceIndex } from '../stats/sequence-index.ts';
import type { FleetContext } from './fleet-context.ts';
import { RawWebSocket } from './raw-ws.ts';

interface Frame {
  event_type?: string;
  sequence?: number;
  snapshot?: boolean;
  market?: { symbol?: string };
  agent?: { agent_id?: string };
  trade?: { symbol?: string };
  book?: { symbol?: string };
  candle?: { symbol?: string };
}

/** The topic family and key an event is published under (null for frames that are not stream events). */
export function frameTopic(f: Frame): { family: string; key: string | null } | null {
  switch (f.event_type) {
    case 'market':
      return { family: 'market', key: f.market?.symbol ?? null };
    case 'agent':
      return { family: 'agent', key: f.agent?.agent_id ?? null };
    case 'arena':
      return { family: 'arena', key: null };
    case 'trade':
      return { family: 'trades', key: f.trade?.symbol ?? null };
    case 'book':
      return { family: 'book', key: f.book?.symbol ?? null };
    case 'candle':
      return { family: 'candles', key: f.candle?.symbol ?? null };
    default:
      return null;
  }
}

const decoder = new TextDecoder();

export class Reference {
  readonly index = new SequenceIndex();
  private ws: RawWebSocket | null = null;
  private closingOnPurpose = false;

  constructor(
    private readonly ctx: FleetContext,
    private readonly url: string,
    private readonly topics: string[],
  ) {}

  /** Connect and wait for the welcome (the index starts after its `sequence`). */
  connect(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('reference connection: no welcome in time')), timeoutMs);
      this.ws = new RawWebSocket(
        `${this.url}?topics=${encodeURIComponent(this.topics.join(','))}`,
        {
          open: () => {},
          text: (bytes, start, end) => {
            const f = JSON.parse(decoder.decode(bytes.subarray(start, end))) as Frame;
            if (f.event_type === 'welcome' && typeof f.sequence === 'number') {
              this.index.begin(f.sequence);
              clearTimeout(timer);
              resolve();
              return;
            }
            if (f.snapshot === true || typeof f.sequence !== 'number') return;
            const topic = frameTopic(f);
            if (topic !== null) this.index.add(f.sequence, topic.family, topic.key);
          },
          close: (code) => {
            clearTimeout(timer);
            if (this.closingOnPurpose) return;
            this.ctx.error('reference_closed');
            reject(new Error(`reference connection closed (${code})`));
          },
        },
        this.ctx.now,
      );
    });
  }

  close(): void {
    this.closingOnPurpose = true;
    this.ws?.close(1000, 'bench');
    this.ws = null;
  }
}
