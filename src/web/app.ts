// The dashboard's entry point: one reconnecting client on every topic, feeding the model, rendered once per frame.
import { ReconnectingClient } from '../client/reconnecting-client.ts';
import { backfillMarket } from './backfill.ts';
import { DashboardState, MAX_ROUNDS } from './dashboard-state.ts';
import { fetchRecentRounds } from './rounds-history.ts';
import { DashboardView } from './view.ts';

declare global {
  interface Window {
    /** The live client and model, for the curious (and for the browser tests). */
    lineage?: { client: ReconnectingClient; state: DashboardState };
  }
}

/** The WebSocket endpoint of the server that served this page (a `?token=` on the page is passed on). */
function pageStreamUrl(loc: Location): string {
  const url = new URL('/', loc.href);
  url.protocol = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  const token = new URLSearchParams(loc.search).get('token');
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

const baseUrl = pageStreamUrl(window.location);
const state = new DashboardState();
const view = new DashboardView(document);
const client = new ReconnectingClient({ url: baseUrl, topics: ['market', 'agent', 'arena'], pingIntervalMs: 25_000 });
let version: string | null = null;
let reconnects = 0;
let frame = 0;

// Many events can arrive per frame; the page is drawn at most once per animation frame.
function schedule(): void {
  if (frame !== 0) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    view.render(state);
    view.renderMeta(client.epoch, state.health.lastSequence, version);
    view.renderFooter(state, reconnects);
  });
}

client.on((event) => {
  switch (event.type) {
    case 'state':
      if (event.state !== 'reconnecting') view.renderConnection(event.state);
      document.documentElement.dataset.connection = event.state;
      break;
    case 'welcome': {
      version = event.message.version;
      if (event.reconnect) reconnects++;
      if (client.state === 'live') state.startAt(event.message.sequence);
      if (!event.reconnect) {
        const { sequence, oldest_sequence } = event.message;
        void backfillMarket(baseUrl, sequence, oldest_sequence).then((points) => {
          state.backfill(points);
          schedule();
        });
      }
      break;
    }
    case 'event': {
      const e = event.event;
      if (e.event_type === 'market') state.applyMarket(e.market, e.sequence, event.snapshot);
      else if (e.event_type === 'agent') state.applyAgent(e.agent, e.sequence, event.snapshot);
      else if (e.event_type === 'arena') state.applyArena(e.arena, e.sequence, event.snapshot);
      break;
    }
    case 'resumed':
      if (reconnects > 0)
        view.showNotice(
          `Reconnected — resumed ${event.message.replayed} event${event.message.replayed === 1 ? '' : 's'}, nothing missed.`,
          'info',
        );
      break;
    case 'resume_failed':
      state.resumeFailed(event.message.sequence);
      view.showNotice(
        `Reconnected, but events after #${event.message.since} could not be replayed (${event.message.reason.replaceAll('_', ' ')}); showing the latest state.`,
        'warn',
        10_000,
      );
      break;
    case 'error':
      view.showNotice(`Server: ${event.message.message}`, 'warn');
      break;
    case 'disconnected':
      if (event.retryInMs !== null)
        view.renderConnection('reconnecting', `in ${(event.retryInMs / 1000).toFixed(1)} s`);
      break;
    default:
      break;
  }
  schedule();
});

window.lineage = { client, state };
view.renderConnection('connecting');
client.start();
void fetchRecentRounds(MAX_ROUNDS, fetch, new URLSearchParams(location.search).get('token')).then((rounds) => {
  for (const r of rounds) state.addRound(r);
  schedule();
});
