// GET /sse?topics=…: the stream as Server-Sent Events, admitted like a WebSocket upgrade (token, Origin, limits), and
// resumed from `Last-Event-ID` (what EventSource sends on reconnect) or `?since=`. A JWT's stream ends at its `exp`.
import type { Server } from 'bun';
import { httpError } from '../http/responses.ts';
import type { Hub } from '../hub/hub.ts';
import type { Principal } from '../hub/principal.ts';
import { parseSince } from '../hub/resume-verdict.ts';
import { conflateMsError, parseConflateMs } from '../hub/session-state.ts';
import type { SseSink } from '../hub/sse-streams.ts';
import { DEFAULT_TOPICS, splitTopicList } from '../protocol/topics.ts';

export interface SseAdmitted {
  /** The request's verified JWT (null without one). */
  principal: Principal | null;
  /** Releases the admission's reservation: called once, however the request ends. */
  ended: () => void;
}

/** The SSE response, or a JSON error naming what is wrong with the request. */
export function sseResponse(hub: Hub, req: Request, url: URL, srv: Server<unknown>, admitted: SseAdmitted): Response {
  let released = false;
  const ended = () => {
    if (!released) admitted.ended();
    released = true;
  };
  const response = stream(hub, req, url, srv, admitted.principal, ended);
  if (response.status !== 200) ended();
  return response;
}

function stream(
  hub: Hub,
  req: Request,
  url: URL,
  srv: Server<unknown>,
  principal: Principal | null,
  ended: () => void,
): Response {
  const param = url.searchParams.get('topics');
  const grants = principal?.grants;
  // As on the WebSocket: without `?topics=`, the default topics the token covers.
  const requested =
    param === null ? DEFAULT_TOPICS.filter((t) => grants?.coversName(t) ?? true) : splitTopicList(param);
  const { accepted, errors } = hub.sseTopics(requested, grants);
  const error = errors[0];
  if (error !== undefined) return httpError(error.code === 'forbidden_topic' ? 403 : 400, error.code, error.message);
  const rawSince = req.headers.get('last-event-id') ?? url.searchParams.get('since');
  const since = rawSince === null || rawSince === '' ? null : parseSince(rawSince);
  if (rawSince !== null && rawSince !== '' && since === null) {
    return httpError(
      400,
      'invalid_since',
      `since: must be a non-negative integer sequence number, got "${rawSince.slice(0, 32)}"`,
    );
  }
  const rawConflate = url.searchParams.get('conflate_ms');
  const conflateMs = parseConflateMs(rawConflate);
  if (conflateMs === null) return httpError(400, 'bad_request', conflateMsError(rawConflate));
  // A stream may be quiet for longer than the HTTP idle timeout; heartbeats keep it and any proxy alive.
  srv.timeout(req, 0);
  let sink: SseSink | null = null;
  // Bun's direct stream writes straight to the socket (no queue); its write() returns a Promise when it must drain.
  const source: Bun.DirectUnderlyingSource = {
    type: 'direct',
    pull(controller) {
      sink = controller;
      hub.openSse(controller, {
        topics: accepted,
        since,
        epoch: url.searchParams.get('epoch'),
        conflateMs,
        expiresAt: principal?.expiresAt ?? null,
        ended,
      });
    },
    cancel() {
      if (sink !== null) hub.sseGone(sink);
      else ended();
    },
  };
  // The DOM lib's ReadableStream type does not know Bun's direct sources.
  const stream = new ReadableStream(source as unknown as UnderlyingDefaultSource);
  req.signal.addEventListener('abort', () => {
    if (sink !== null) hub.sseGone(sink);
    else ended();
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
