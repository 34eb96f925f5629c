// `bun run client [url]`: the seed's live table (or JSON lines) over a reconnecting, resuming connection.
import { VERSION } from '../version.ts';
import { type CliOptions, parseCliArgs, USAGE, wantsColor } from './cli-args.ts';
import { describeConnectFailure } from './connect-failure.ts';
import { type ClientEvent, ReconnectingClient, type SocketLike } from './reconnecting-client.ts';
import { eventRows, headerLines, noticeLine, type TableStyle, welcomeLines } from './table.ts';

const NAME = 'lineage-client';
/** Protocol pings keep idle connections open and reveal dead ones. */
const PING_INTERVAL_MS = 30_000;

/** Bun's WebSocket takes headers (browsers' does not); typed here so the token never has to go in the URL. */
const BunWebSocket = WebSocket as unknown as new (
  url: string,
  options?: { headers?: Record<string, string> },
) => WebSocket;

function main(): void {
  const parsed = parseCliArgs(process.argv.slice(2), process.env);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return process.exit(0);
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return process.exit(0);
    case 'error':
      process.stderr.write(`${NAME}: ${parsed.message}\n`);
      return process.exit(parsed.exitCode);
    case 'run':
      run(parsed.options);
  }
}

function run(options: CliOptions): void {
  const style: TableStyle = {
    color: !options.json && wantsColor(options.noColor, process.stdout.isTTY === true, process.env),
  };
  const noticeStyle: TableStyle = options.json ? { color: false } : style;
  const out = (lines: readonly string[]) => {
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  };
  // In --json mode stdout carries events only, so everything else goes to stderr.
  const notice = (text: string, tone: 'dim' | 'yellow' | 'red') => {
    const line = noticeLine(text, tone, noticeStyle);
    if (options.json) process.stderr.write(`${line}\n`);
    else out([line]);
  };
  // A closed pipe (`| head`) ends the program quietly, as other command-line tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`${NAME}: cannot write output: ${error.message}\n`);
    process.exit(1);
  });

  const headers = options.token !== null ? { Authorization: `Bearer ${options.token}` } : undefined;
  const client = new ReconnectingClient({
    url: options.url,
    topics: options.topics,
    since: options.since,
    pingIntervalMs: PING_INTERVAL_MS,
    retryFirstConnect: false,
    createSocket: (url) => new BunWebSocket(url, headers ? { headers } : undefined) as SocketLike,
  });

  let printedHeader = false;
  let lostAt: number | null = null;
  client.on((event: ClientEvent) => {
    switch (event.type) {
      case 'welcome':
        if (!printedHeader) {
          printedHeader = true;
          if (!options.json) out([...headerLines(style), ...welcomeLines(event.message.message, style)]);
          if (event.message.subscriptions.length === 0)
            notice('holding no topics, so there is nothing to show (check --topics)', 'yellow');
        } else if (client.state === 'live') notice('reconnected', 'dim');
        return;
      case 'event':
        out(options.json ? [event.raw] : eventRows(event.event, style, event.snapshot));
        return;
      case 'resumed':
        if (lostAt !== null || event.message.replayed > 0) {
          notice(
            `${lostAt !== null ? 'reconnected, ' : ''}resumed ${event.message.replayed} event${event.message.replayed === 1 ? '' : 's'} (up to #${event.message.sequence})`,
            'dim',
          );
        }
        lostAt = null;
        return;
      case 'resume_failed': {
        const m = event.message;
        notice(
          `could not resume after #${m.since} (${m.reason.replaceAll('_', ' ')}): events up to #${m.sequence} may be missing; showing the latest state`,
          'yellow',
        );
        lostAt = null;
        return;
      }
      case 'error':
        notice(`server: ${event.message.code}: ${event.message.message}`, 'red');
        return;
      case 'disconnected': {
        if (event.retryInMs === null) {
          process.stderr.write(
            `${NAME}: ${describeConnectFailure(options.url, event.code, event.reason, event.error)}\n`,
          );
          process.exit(1);
        }
        const why = event.wasOpen
          ? `connection lost (${event.code}${event.reason ? ` ${event.reason}` : ''})`
          : 'still unreachable';
        if (event.wasOpen) lostAt = Date.now();
        notice(`${why}; reconnecting in ${(event.retryInMs / 1000).toFixed(1)} s (attempt ${event.attempt})`, 'dim');
        return;
      }
      case 'invalid':
        notice(`ignored a frame that is not in the protocol: ${event.reason}`, 'yellow');
        return;
      case 'key_gap': {
        const missed = event.got - event.expected;
        notice(
          `gap on ${event.key}: ${missed} event${missed === 1 ? '' : 's'} missing (key_seq ${event.expected}–${event.got - 1})`,
          'red',
        );
        return;
      }
      default:
        return;
    }
  });

  const stop = () => {
    client.close();
    // Let piped output drain before leaving.
    process.stdout.write('', () => process.exit(0));
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  client.start();
}

main();
