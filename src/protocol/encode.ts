// Builds the wire text of stream events once, with the seed's field order; used by the single writer.
import type { AgentData, ArenaData, MarketData } from './server-messages.ts';

/** ISO-8601 UTC with milliseconds. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function encodeMarketEvent(market: MarketData, sequence: number): string {
  return JSON.stringify({ event_type: 'market', market, sequence });
}

export function encodeAgentEvent(agent: AgentData, sequence: number): string {
  return JSON.stringify({ event_type: 'agent', agent, sequence });
}

export function encodeArenaEvent(arena: ArenaData, sequence: number): string {
  return JSON.stringify({ event_type: 'arena', arena, sequence });
}

/** The same frame marked as a snapshot (`"snapshot": true`), without re-serializing it. */
export function markSnapshot(json: string): string {
  return `${json.slice(0, -1)},"snapshot":true}`;
}

/** A conflated delivery: the real event's frame plus `"conflated": k`, the number of events of its key it replaced. */
export function markConflated(json: string, replaced: number): string {
  return `${json.slice(0, -1)},"conflated":${replaced}}`;
}
