// Questions answered from the database, and the messages between the main thread and the read-only reader worker.
import { z } from 'zod';
import { MAX_ROUNDS_PAGE } from './round-summary.ts';

/** Largest page of one round's ranking at /api/arena/rounds/:round. */
export const MAX_RANKING_PAGE = 1000;

const PositiveInt = z.number().int().positive();

/** Read-only questions about what the database holds; bounded by their page size. */
export const DbQuery = z.discriminatedUnion('kind', [
  /** A page of round summaries, newest first, older than `before`. */
  z.object({ kind: z.literal('rounds'), limit: PositiveInt.max(MAX_ROUNDS_PAGE), before: PositiveInt.optional() }),
  /** One round's full record, its ranking paged. */
  z.object({
    kind: z.literal('round'),
    round: PositiveInt,
    offset: z.number().int().nonnegative(),
    limit: PositiveInt.max(MAX_RANKING_PAGE),
  }),
  /** An agent's birth/death record and, from the records, its ancestry. */
  z.object({ kind: z.literal('agent_record'), id: z.string() }),
]);
export type DbQuery = z.infer<typeof DbQuery>;

/** Main → reader. */
export const ReaderHostMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), db: z.string() }),
  z.object({ type: z.literal('query'), id: z.number().int(), query: DbQuery }),
]);
export type ReaderHostMessage = z.infer<typeof ReaderHostMessage>;

/** Reader → main. */
export const ReaderMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('reply'),
    id: z.number().int(),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z.string().optional(),
  }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);
export type ReaderMessage = z.infer<typeof ReaderMessage>;
