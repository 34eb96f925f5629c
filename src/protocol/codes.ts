// The one table of close codes (with reasons and reconnect rules), `error` codes and HTTP error codes.

/** Close codes the server uses (RFC 6455 §7.4). */
export const CloseCode = {
  /** Normal closure. */
  Normal: 1000,
  /** The server is shutting down; reconnect (and `resume`) later. */
  GoingAway: 1001,
  /** Policy violation: message rate or bad-frame limits exceeded. */
  PolicyViolation: 1008,
  /** A frame exceeded the payload limit. */
  MessageTooBig: 1009,
  /** Unexpected server-side failure while handling this connection. */
  InternalError: 1011,
  /** Slow consumer, or (in a cluster) the history changed upstream: reconnect and `resume` with `since`. */
  TryAgainLater: 1013,
  /** Sent by the client, never the server: the server stopped answering pings, so the client gives up and reconnects. */
  KeepaliveTimeout: 4000,
  /** The connection's JWT reached its `exp` without a `refresh`: get a new token, then reconnect with `since`. */
  TokenExpired: 4001,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close reasons (≤ 123 bytes, as the protocol demands). */
export const CloseReason = {
  shutdown: 'server shutting down',
  slowConsumer: 'slow consumer: reconnect and resume with since',
  rateLimited: 'rate limit exceeded',
  tooManyBadFrames: 'too many invalid frames',
  internal: 'internal error',
  keepaliveTimeout: 'keepalive timeout',
  historyChanged: 'history changed upstream: reconnect and resume',
  streamGap: 'stream gap upstream: reconnect and resume',
  tokenExpired: 'token expired',
} as const;

/** What a client should do after a close code; `reconnect_with_new_token`: ask for a fresh token first. */
export type ReconnectRule = 'reconnect_now' | 'reconnect_with_backoff' | 'reconnect_with_new_token' | 'fix_the_client';

/** What a client should do after each close code (the reconnecting client follows this table). */
export const ReconnectRule: Readonly<Record<CloseCode, ReconnectRule>> = {
  [CloseCode.Normal]: 'reconnect_with_backoff',
  [CloseCode.GoingAway]: 'reconnect_with_backoff',
  [CloseCode.PolicyViolation]: 'fix_the_client',
  [CloseCode.MessageTooBig]: 'fix_the_client',
  [CloseCode.InternalError]: 'reconnect_with_backoff',
  [CloseCode.TryAgainLater]: 'reconnect_now',
  [CloseCode.KeepaliveTimeout]: 'reconnect_with_backoff',
  [CloseCode.TokenExpired]: 'reconnect_with_new_token',
};

/** Stable `code` values of `error` events, each with what it means. */
export const ErrorCodes = {
  invalid_json: 'the frame is not valid JSON',
  invalid_message: 'the message does not match the schema of its op',
  unknown_op: 'the op is not one of subscribe, unsubscribe, resume, ping, list_subscriptions, refresh',
  binary_not_supported: 'binary frames are not accepted; send JSON text frames',
  unknown_topic: 'the topic does not exist',
  too_many_topics: 'the connection would hold more topics than allowed',
  invalid_since: 'since must be a non-negative integer sequence number',
  forbidden_topic: "the connection's token does not cover the topic",
  unauthorized: 'the refresh token was refused (malformed, bad signature, unknown kid or algorithm, bad claims)',
  token_expired: 'the refresh token has already expired',
  internal_error: 'the server failed to handle the message',
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

/** HTTP error codes returned as `{ "error": { "code", "message" } }`. */
export const HttpErrorCodes = {
  not_found: 'no such route',
  method_not_allowed: 'the route does not accept this method',
  unauthorized: 'a valid bearer token is required',
  token_expired: 'the bearer token has expired',
  forbidden_topic: 'an SSE request names a topic its token does not cover',
  ip_rate_limited: 'too many upgrades or requests from this address; retry after the Retry-After seconds',
  ip_connection_limit: 'this address holds as many connections as one address may; retry after the Retry-After seconds',
  forbidden_origin: 'the Origin is not allowed',
  too_many_connections: 'the server is at its connection limit',
  shutting_down: 'the server is shutting down',
  bad_request: 'a parameter is invalid',
  upgrade_required: 'this endpoint only accepts WebSocket upgrades',
  not_ready: 'the node is not ready to serve (see /health)',
  internal_error: 'the request failed on the server',
  not_on_gateway: 'this route is served by the sim node of a cluster',
  unknown_topic: 'an SSE request names a topic that does not exist',
  too_many_topics: 'an SSE request names more topics than a connection may hold',
  invalid_since: 'since (or Last-Event-ID) is not a non-negative integer sequence number',
  busy: 'too many heavy requests at once; retry after the Retry-After seconds',
} as const;
export type HttpErrorCode = keyof typeof HttpErrorCodes;
