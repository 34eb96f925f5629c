// The reconnecting client's public types: its states, the events it emits, its options and counters.
import type {
  ErrorMessage,
  ResumeFailedMessage,
  ServerMessage,
  StreamEvent,
  WelcomeMessage,
} from '../protocol/index.ts';
import type { BackoffOptions } from './backoff.ts';
import type { TokenProvider } from './token-source.ts';

export type ConnectionState = 'idle' | 'connecting' | 'resuming' | 'live' | 'reconnecting' | 'closed';

export type Resumed = Extract<ServerMessage, { event_type: 'resumed' }>;
export type Control = Extract<
  ServerMessage,
  { event_type: 'subscribed' | 'unsubscribed' | 'subscriptions' | 'pong' | 'shutdown' | 'token_expiring' | 'refreshed' }
>;

export type ClientEvent =
  | { type: 'state'; state: ConnectionState }
  /** `reconnect` is false only for the first connection. */
  | { type: 'welcome'; message: WelcomeMessage; reconnect: boolean }
  /** A stream event, validated; `raw` is the exact text received. Snapshots are the latest state, not stream. */
  | { type: 'event'; event: StreamEvent; raw: string; snapshot: boolean }
  | { type: 'resumed'; message: Resumed }
  /** Events between `since` and the server's head may be missing; a snapshot follows. */
  | { type: 'resume_failed'; message: ResumeFailedMessage }
  | { type: 'error'; message: ErrorMessage }
  | { type: 'control'; message: Control }
  /** A key's `key_seq` skipped: events `expected` .. `got - 1` of `key` never arrived (delivered as they came). */
  | { type: 'key_gap'; key: string; expected: number; got: number }
  /** A frame that is not JSON or does not match the protocol (ignored). */
  | { type: 'invalid'; raw: string; reason: string }
  /** The token provider failed when asked for a `refresh` token (the connection goes on until the old token ends). */
  | { type: 'token_failed'; error: string }
  | {
      type: 'disconnected';
      code: number;
      reason: string;
      /** What the runtime said about a failed connection, when it says anything. */
      error: string | null;
      /** Whether this connection had been welcomed. */
      wasOpen: boolean;
      /** Milliseconds until the next attempt; `null` when the client gives up. */
      retryInMs: number | null;
      attempt: number;
    };

export type Listener = (event: ClientEvent) => void;

/** The slice of the WebSocket API this client uses, so tests and runtimes can supply their own. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ReconnectingClientOptions {
  url: string;
  /** Topics to hold; `null`/absent keeps the server's default (`market`, `agent`). */
  topics?: readonly string[] | null;
  /** Start by resuming after this sequence (of `epoch`, when given). */
  since?: number | null;
  epoch?: string | null;
  backoff?: Partial<BackoffOptions>;
  /** Send `{"op":"ping"}` this often and reconnect after two silent intervals; 0 turns it off. */
  pingIntervalMs?: number;
  /** Keep retrying when the very first connection fails (a dashboard does; a command-line tool reports and exits). */
  retryFirstConnect?: boolean;
  /**
   * A bearer token (`?token=`), or a provider asked for one before every (re)connect and on `token_expiring` (the
   * client then sends `refresh`); after a 4001 it reconnects at once with the provider's new token.
   */
  token?: string | TokenProvider;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
}

export interface ClientStats {
  /** Connections that reached `welcome`. */
  connects: number;
  /** Stream events dropped because their sequence was not after the last one seen. */
  duplicates: number;
  /** Events the server replayed on resumes. */
  replayed: number;
  /** Resumes the server refused (a gap was announced). */
  resumeFailures: number;
  /** Frames ignored as invalid. */
  invalid: number;
  /** Keys whose `key_seq` skipped numbers (events of a held topic that never arrived). */
  keyGaps: number;
}
