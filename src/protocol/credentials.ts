// What a JWT says about its bearer: the claims Lineage reads (`exp`, `sub`, `topics`) and which topics its `topics`
// patterns cover. Pure: the signature is checked in edge/, this only reads a verified payload.
import { z } from 'zod';
import { type ParsedTopic, PRIVATE_FAMILIES, parseTopic } from './topics.ts';

const FAMILY = '[a-z][a-z0-9_]{0,31}';
/** `*`, `<family>.*`, `<family>` or `<family>.<KEY>`. */
export const GRANT_PATTERN = new RegExp(`^(\\*|${FAMILY}\\.\\*|${FAMILY}(\\.[A-Za-z0-9_-]{1,64})?)$`);

/** The claims of a verified token that Lineage reads; any others are allowed and ignored. */
export const TokenClaims = z.object({
  /** Seconds since the epoch; required: a token without an end is refused. */
  exp: z
    .number({ error: 'the token has no exp claim' })
    .int('exp must be an integer')
    .max(253_402_300_799, 'exp is after the year 9999'),
  /** Who the bearer is: shown in logs, never used as a metric label. */
  sub: z.string().max(256, 'sub is longer than 256 characters').optional(),
  /** Topic patterns the bearer may subscribe to; absent = none. */
  topics: z
    .array(z.string().regex(GRANT_PATTERN, 'topics: each entry is *, <family>.*, or a topic name'), {
      error: 'topics must be an array of topic patterns',
    })
    .max(256, 'topics: at most 256 patterns')
    .optional(),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

/** A family and an optional key, as `parseTopic` returns them (typed loosely so families can be added freely). */
export type TopicName = { family: string; key: string | null };

/** The compiled `topics` claim of one token. */
export class TopicGrants {
  private readonly everyPublic: boolean;
  private readonly families = new Set<string>();
  private readonly exact = new Set<string>();

  constructor(
    readonly patterns: readonly string[],
    /** Families `*` does not cover (protocol/topics.ts: an agent's `orders`); a token must name them. */
    private readonly privateFamilies: ReadonlySet<string> = PRIVATE_FAMILIES,
  ) {
    this.everyPublic = patterns.includes('*');
    for (const p of patterns) {
      if (p.endsWith('.*')) this.families.add(p.slice(0, -2));
      else if (p !== '*') this.exact.add(p);
    }
  }

  /** Does the claim cover this topic? `*` every public family; `f.*` the family `f` and each `f.<KEY>`; else exact. */
  covers(topic: TopicName): boolean {
    if (this.families.has(topic.family)) return true;
    if (this.exact.has(topic.key === null ? topic.family : `${topic.family}.${topic.key}`)) return true;
    return this.everyPublic && !this.privateFamilies.has(topic.family);
  }

  /** The same for a topic name; a name `parseTopic` refuses is covered by nothing. */
  coversName(topic: string): boolean {
    const parsed: ParsedTopic | null = parseTopic(topic);
    return parsed !== null && this.covers(parsed);
  }
}

/** Grants that cover everything public: a connection without a JWT (open, or the shared `--auth-token`). */
export const ALL_PUBLIC = new TopicGrants(['*']);
