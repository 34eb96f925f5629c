// The dashboard's entry point: one reconnecting client on the market, agent and arena topics plus the chosen symbol's
// book, trades and candles, feeding the models, rendered once per frame.
import { ReconnectingClient } from '../client/reconnecting-client.ts';
import { fetchSkills } from './api.ts';
import { backfillMarket } from './backfill.ts';
import { DashboardState, MAX_ROUNDS } from './dashboard-state.ts';
import { MarketPanel } from './market-panel.ts';
import { fetchRecentRounds } from './rounds-history.ts';
import { DashboardView } from './view.ts';

declare global {
  interface Window {
    /** The live client and model, for the curious (and for the browser tests). */
    lineage?: { client: ReconnectingClient; state: DashboardState; market: MarketPanel };
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
const token = new URLSearchParams(location.search).get('token');
const state = new DashboardState();
const view = new DashboardView(document);
const client = new ReconnectingClient({ url: baseUrl, topics: ['market', 'agent', 'arena'], pingIntervalMs: 25_000 });
const market = new MarketPanel(document, client, token, () => schedule());
let version: string | null = null;
let reconnects = 0;
let frame = 0;
let skillsBusy = false;
let skillsAgain = false;

/** Skill changes when a round ends; read the population once then (one request per 1000 agents, never per agent). */
function refreshSkills(): void {
  if (skillsBusy) {
    skillsAgain = true;
    return;
  }
  skillsBusy = true;
  void fetchSkills(token).then((skills) => {
    skillsBusy = false;
    if (skills.size > 0) state.setSkills(skills);
    schedule();
    if (skillsAgain) {
      skillsAgain = false;
      refreshSkills();
    }
  });
}

// Many events can arrive per frame; the page is drawn at most once per animation frame.
function schedule(): void {
  if (frame !== 0) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    view.render(state);
    market.render();
    view.renderMeta(client.epoch, state.health.lastSequence, version);
    view.renderFooter(state, reconnects);
  });
}

client.on((event) => {
  market.handle(event);
  switch (event.type) {
    case 'state':
      if (event.state !== 'reconnecting') view.renderConnection(event.state);
      document.documentElement.dataset.connection = event.state;
      break;
    case 'welcome': {
      version = event.message.version;
      if (event.reconnect) reconnects++;
      if (client.state === 'live') state.startAt(event.message.sequence);
      refreshSkills();
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
      else if (e.event_type === 'arena') {
        state.applyArena(e.arena, e.sequence, event.snapshot);
        if (!event.snapshot) refreshSkills();
      } else state.track(e.sequence, event.snapshot);
      break;
    }
    case 'key_gap':
      state.keyGap({ key: event.key, expected: event.expected, got: event.got });
      view.showNotice(`Missed events of ${event.key} (key_seq ${event.expected} to ${event.got - 1}).`, 'warn', 10_000);
      break;
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

window.lineage = { client, state, market };
view.renderConnection('connecting');
client.start();
void fetchRecentRounds(MAX_ROUNDS, fetch, token).then((rounds) => {
  for (const r of rounds) state.addRound(r);
  schedule();
});
