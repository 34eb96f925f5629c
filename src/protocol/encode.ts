// Builds the wire text of stream events once, with the seed's field order; used by the single writer.
import type { AgentData, ArenaData, MarketData } from './server-messages.ts';

/** ISO-8601 UTC with milliseconds. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function encodeMarketEvent(market: MarketData, sequence: number, keySeq?: number): string {
  return JSON.stringify({ event_type: 'market', market, sequence, key_seq: keySeq });
}

export function encodeAgentEvent(agent: AgentData, sequence: number, keySeq?: number): string {
  return JSON.stringify({ event_type: 'agent', agent, sequence, key_seq: keySeq });
}

export function encodeArenaEvent(arena: ArenaData, sequence: number, keySeq?: number): string {
  return JSON.stringify({ event_type: 'arena', arena, sequence, key_seq: keySeq });
}

const SNAPSHOT_MARK = ',"snapshot":true}';

/** The same frame marked as a snapshot (`"snapshot": true`), without re-serializing it; a marked frame stays as is. */
export function markSnapshot(json: string): string {
  return json.endsWith(SNAPSHOT_MARK) ? json : `${json.slice(0, -1)}${SNAPSHOT_MARK}`;
}

/** A frame's `sequence` (its top-level fields come last, after the payload); NaN when there is none. */
export function frameSequence(json: string): number {
  const m = /"sequence":(\d{1,16})(?:,"key_seq":\d{1,16})?(?:,"snapshot":true)?\}$/.exec(json);
  return m ? Number(m[1]) : Number.NaN;
}

/** A conflated delivery: the real event's frame plus `"conflated": k`, the number of events of its key it replaced. */
export function markConflated(json: string, replaced: number): string {
  return `${json.slice(0, -1)},"conflated":${replaced}}`;
}
