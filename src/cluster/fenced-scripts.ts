// The sim node's writes to Redis as Lua scripts, each checked in Redis itself (atomically) against the writer lease and
// the epoch, so a node whose lease has expired — or a command that a hung Redis runs late — never writes into another
// node's history. Also the lease scripts and the gateways' `seen` report. Pure text and argument builders.
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { type ClusterKeys, encodeFields, latestField, type Origin } from './stream-codec.ts';

/** Results of CLAIM and APPEND (first element of the reply). */
export const Fence = { ok: 1, notHolder: 0, otherEpoch: -1, fork: 2 } as const;

/** Extend the lease only if we still hold it. */
export const RENEW_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
export const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

// Shared Lua: the stream's top sequence, and HSET of many pairs in chunks (Lua's unpack has a small limit).
const HELPERS = `
local function top_of(key)
  local last = redis.call('xrevrange', key, '+', '-', 'COUNT', 1)
  if #last == 0 then return 0 end
  return tonumber(string.match(last[1][1], '^(%d+)'))
end
local function hset_many(key, from)
  local i = from
  while i <= #ARGV do
    local args = {}
    for j = i, math.min(#ARGV, i + 999) do args[#args + 1] = ARGV[j] end
    redis.call('hset', key, unpack(args))
    i = i + 1000
  end
end
`;

/**
 * Take the stream over (KEYS: writer, meta, events, latest, rounds; ARGV: node, epoch, head, symbols, updated_at,
 * families, then latest field/value pairs). Another epoch's stream is replaced. Under our own epoch, a stream that is
 * ahead of our journal head, or a gateway that delivered more than it (`seen`), means our database is an older copy:
 * reply FORK (start a new epoch). Without any epoch (a Redis that lost its data) it starts clean. Replies {status,
 * top, replaced}.
 */
export const CLAIM_SCRIPT = `${HELPERS}
if redis.call('get', KEYS[1]) ~= ARGV[1] then return {0, 0, 0} end
local epoch = redis.call('hget', KEYS[2], 'epoch')
local replaced = 0
if epoch ~= ARGV[2] then
  if epoch then replaced = 1 end
  redis.call('del', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
end
local head = tonumber(ARGV[3])
local top = top_of(KEYS[3])
if epoch == ARGV[2] then
  if top > head then return {2, top, 0} end
  local seen = tonumber(redis.call('hget', KEYS[2], 'seen') or '0')
  if seen > head then return {2, seen, 0} end
end
local t = redis.call('type', KEYS[5])['ok']
if t ~= 'zset' and t ~= 'none' then redis.call('del', KEYS[5]) end
redis.call('hset', KEYS[2], 'epoch', ARGV[2], 'writer', ARGV[1], 'head', ARGV[3], 'symbols', ARGV[4], 'updated_at', ARGV[5], 'families', ARGV[6])
if #ARGV > 6 then hset_many(KEYS[4], 7) end
return {1, top, replaced}
`;

/**
 * Append a batch (KEYS: writer, meta, events, latest, rounds; ARGV: node, epoch, maxlen, rounds kept, then per event:
 * sequence, n, n stream fields, latest field or '', its state or '' (the event's own frame), m, m retired ids, round
 * score or '', round member or ''). Only
 * while we hold the lease and the meta epoch is ours; ids at or below the stream's top are skipped (a re-append is
 * idempotent), and only events appended now touch the snapshot and the rounds. Replies {status, top, appended}.
 */
export const APPEND_SCRIPT = `${HELPERS}
if redis.call('get', KEYS[1]) ~= ARGV[1] then return {0, 0, 0} end
local meta = redis.call('hmget', KEYS[2], 'epoch', 'head', 'seen')
if meta[1] ~= ARGV[2] then return {-1, 0, 0} end
if tonumber(meta[3] or '0') > tonumber(meta[2] or '0') then return {2, 0, 0} end
local top = top_of(KEYS[3])
local appended = 0
local rounds = false
local i = 5
while i <= #ARGV do
  local seq = tonumber(ARGV[i])
  local n = tonumber(ARGV[i + 1])
  local f = i + 2
  local j = f + n
  local snap = ARGV[j]
  local state = ARGV[j + 1]
  local m = tonumber(ARGV[j + 2])
  local r = j + 3
  local score = ARGV[r + m]
  local member = ARGV[r + m + 1]
  if seq > top then
    local args = {'xadd', KEYS[3], 'MAXLEN', '~', ARGV[3], ARGV[i] .. '-1'}
    local json = nil
    for k = f, f + n - 1 do args[#args + 1] = ARGV[k] end
    for k = f, f + n - 2, 2 do if ARGV[k] == 'j' then json = ARGV[k + 1] end end
    redis.call(unpack(args))
    top = seq
    appended = appended + 1
    if state ~= '' then json = state end
    if snap ~= '' and json then redis.call('hset', KEYS[4], snap, json) end
    for k = r, r + m - 1 do redis.call('hdel', KEYS[4], 'agent.' .. ARGV[k]) end
    if score ~= '' then
      redis.call('zremrangebyscore', KEYS[5], score, score)
      redis.call('zadd', KEYS[5], score, member)
      rounds = true
    end
  end
  i = r + m + 2
end
if rounds then redis.call('zremrangebyrank', KEYS[5], 0, -(tonumber(ARGV[4]) + 1)) end
return {1, top, appended}
`;

/** A gateway delivered up to ARGV[2] under epoch ARGV[1] (KEYS: meta): remember the highest, for the sim's fence. */
export const SEEN_SCRIPT = `
if redis.call('hget', KEYS[1], 'epoch') ~= ARGV[1] then return 0 end
local seen = tonumber(redis.call('hget', KEYS[1], 'seen') or '0')
if tonumber(ARGV[2]) > seen then redis.call('hset', KEYS[1], 'seen', ARGV[2]) end
return 1
`;

const fencedKeys = (k: ClusterKeys) => [k.writer, k.meta, k.events, k.latest, k.rounds];

/** EVAL arguments of CLAIM. */
export function claimArgs(
  keys: ClusterKeys,
  origin: Origin,
  offer: { symbols: readonly string[]; families: readonly string[] },
  latest: readonly PublishedEvent[],
  now: Date,
): string[] {
  return [
    CLAIM_SCRIPT,
    '5',
    ...fencedKeys(keys),
    origin.writer,
    origin.epoch,
    String(origin.head),
    JSON.stringify(offer.symbols),
    now.toISOString(),
    JSON.stringify(offer.families),
    ...latest.flatMap((e) => [latestField(e), e.json]),
  ];
}

/**
 * EVAL arguments of APPEND; `round` gives the summarised record of an arena event (JSON), stored in the rounds set, and
 * `state` what the snapshot hash keeps of an event: null for nothing, or the frame of its key's state (a book delta's
 * book snapshot; default: the event itself).
 */
export function appendArgs(
  keys: ClusterKeys,
  origin: Origin,
  maxlen: number,
  roundsKept: number,
  batch: readonly PublishedEvent[],
  round: (e: PublishedEvent) => { score: number; member: string } | null,
  state: (e: PublishedEvent, i: number) => string | null = (e) => e.json,
): string[] {
  const args = [
    APPEND_SCRIPT,
    '5',
    ...fencedKeys(keys),
    origin.writer,
    origin.epoch,
    String(maxlen),
    String(roundsKept),
  ];
  batch.forEach((e, i) => {
    const fields = encodeFields(e, origin);
    const retired = e.retired ?? [];
    const r = e.family === 'arena' ? round(e) : null;
    const kept = state(e, i);
    args.push(
      String(e.sequence),
      String(fields.length),
      ...fields,
      kept === null ? '' : latestField(e),
      kept === null || kept === e.json ? '' : kept,
      String(retired.length),
      ...retired,
      r ? String(r.score) : '',
      r ? r.member : '',
    );
  });
  return args;
}

/** A script's `{status, a, b}` reply as numbers (status NaN when it is not one). */
export function fenceReply(reply: unknown): [number, number, number] {
  const a = Array.isArray(reply) ? reply.map(Number) : [];
  return [a[0] ?? NaN, a[1] ?? 0, a[2] ?? 0];
}
