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
            if (f.event_type === 'market') this.index.add(f.sequence, 'market', f.market?.symbol ?? null);
            else if (f.event_type === 'agent') this.index.add(f.sequence, 'agent', f.agent?.agent_id ?? null);
            else if (f.event_type === 'arena') this.index.add(f.sequence, 'arena', null);
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
