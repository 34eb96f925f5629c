// The server's frames about a connection's JWT: the notice before it ends, and the answer to a `refresh`.
import { z } from 'zod';
import { RequestId } from './client-messages.ts';

/** The connection's JWT ends at `exp` (seconds since the epoch): send `refresh` with a new one before then, or get 4001. */
export const TokenExpiringMessage = z.object({
  event_type: z.literal('token_expiring'),
  exp: z.number().int(),
});

/** The answer to a `refresh` that was accepted: the new token's `exp`, and what is held under its claims. */
export const RefreshedMessage = z.object({
  event_type: z.literal('refreshed'),
  exp: z.number().int(),
  subscriptions: z.array(z.string()),
  id: RequestId.optional(),
});
export type TokenExpiringMessage = z.infer<typeof TokenExpiringMessage>;
