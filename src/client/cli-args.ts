// Command-line parsing for `bun run client` (pure): flags, URL, topics and whether to colour the output.

import { describeError } from '../lib/describe-error.ts';
import { parseTopic, splitTopicList } from '../protocol/index.ts';
import { normalizeServerUrl } from './stream-url.ts';

export const DEFAULT_URL = 'ws://127.0.0.1:9001';
/** The terminal client also shows arena rounds (the server's own default is `market` and `agent`). */
export const CLIENT_DEFAULT_TOPICS: readonly string[] = ['market', 'agent', 'arena'];

export interface CliOptions {
  url: string;
  topics: string[];
  json: boolean;
  noColor: boolean;
  since: number | null;
  token: string | null;
}

export type CliParse =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  /** `exitCode` 2 for usage errors, 1 for a bad URL. */
  | { kind: 'error'; message: string; exitCode: 1 | 2 };

export const USAGE = `Usage: bun run client [url] [options]

Prints Lineage's live events as a table (or JSON lines), reconnecting and resuming without losing or repeating a row.

  url                 server to watch (default ${DEFAULT_URL}; http://, wss:// and host:port work too)
  --topics <list>     comma-separated topics (default ${CLIENT_DEFAULT_TOPICS.join(',')}):
                      market, market.<SYMBOL>, agent, agent.<AGENT_ID>, arena
  --json              one raw event per line on stdout, for piping (notices go to stderr)
  --no-color          plain text (colour is used only on a terminal and when NO_COLOR is unset)
  --since <seq>       start by replaying the events after this sequence
  --token <token>     bearer token (--auth-token) or JWT for the server (prefer LINEAGE_AUTH_TOKEN)
  -h, --help          show this help
  --version           print the version

Ctrl-C exits 0. A URL that cannot be reached exits 1; bad flags exit 2.`;

/** Parse argv (without the runtime and script) and the environment; never throws. */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): CliParse {
  let url: string | null = null;
  let topics: string[] = [...CLIENT_DEFAULT_TOPICS];
  let json = false;
  let noColor = false;
  let since: number | null = null;
  let token: string | null =
    env.LINEAGE_AUTH_TOKEN && env.LINEAGE_AUTH_TOKEN.length > 0 ? env.LINEAGE_AUTH_TOKEN : null;
  const usage = (message: string): CliParse => ({ kind: 'error', message: `${message} (see --help)`, exitCode: 2 });

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--version') return { kind: 'version' };
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const takeValue = (): string | null => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) return null;
      i++;
      return next;
    };
    switch (name) {
      case '--json':
      case '--no-color':
        if (eq !== -1) return usage(`${name} takes no value`);
        if (name === '--json') json = true;
        else noColor = true;
        break;
      case '--topics': {
        const value = takeValue();
        if (value === null) return usage('--topics needs a value, e.g. --topics market.BTC-USD,arena');
        const list = splitTopicList(value);
        if (list.length === 0) return usage('--topics needs at least one topic');
        const bad = list.find((t) => parseTopic(t) === null);
        if (bad !== undefined)
          return usage(`--topics: "${bad}" is not a topic (market, market.<SYMBOL>, agent, agent.<AGENT_ID>, arena)`);
        topics = [...new Set(list)];
        break;
      }
      case '--since': {
        const value = takeValue();
        if (value === null || !/^\d{1,15}$/.test(value))
          return usage(
            `--since must be a non-negative integer sequence number${value === null ? '' : ` (got "${value}")`}`,
          );
        since = Number(value);
        break;
      }
      case '--token': {
        const value = takeValue();
        if (value === null || value.length === 0) return usage('--token needs a value');
        token = value;
        break;
      }
      default:
        if (arg.startsWith('-') && arg.length > 1) return usage(`unknown option "${name}"`);
        if (url !== null) return usage(`unexpected argument "${arg}" (only one URL)`);
        url = arg;
    }
  }
  let normalized: string;
  try {
    normalized = normalizeServerUrl(url ?? DEFAULT_URL);
  } catch (error) {
    return { kind: 'error', message: describeError(error), exitCode: 1 };
  }
  return { kind: 'run', options: { url: normalized, topics, json, noColor, since, token } };
}

/** Colour only on a terminal, never with NO_COLOR or --no-color; FORCE_COLOR forces it (e.g. under a pager). */
export function wantsColor(noColorFlag: boolean, isTTY: boolean, env: Record<string, string | undefined>): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}
