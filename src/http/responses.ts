// JSON responses and the one error shape: `{ "error": { "code", "message" } }`.
import { type HttpErrorCode, HttpErrorCodes } from '../protocol/codes.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function httpError(
  status: number,
  code: HttpErrorCode,
  message: string = HttpErrorCodes[code],
  headers: Record<string, string> = {},
): Response {
  return json({ error: { code, message } }, status, headers);
}
