// The read-only reader: a second Worker with its own read-only connection to the database file, so REST queries
// (pages of rounds, a round's record, agent records) never run on the simulation worker's step loop.

import { describeError } from '../lib/describe-error.ts';
import { ReaderHostMessage, type ReaderMessage } from '../protocol/reader-messages.ts';
import { openReadOnly } from '../store/database.ts';
import { StoreQueries } from '../store/queries.ts';

declare const self: Worker;

let queries: StoreQueries | null = null;

function post(message: ReaderMessage): void {
  self.postMessage(message);
}

const describe = (error: unknown) => describeError(error);

self.onmessage = (event: MessageEvent) => {
  const parsed = ReaderHostMessage.safeParse(event.data);
  if (!parsed.success) {
    post({
      type: 'fatal',
      message: `reader: invalid message from host: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
    });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'start':
      try {
        queries = new StoreQueries(openReadOnly(message.db));
        post({ type: 'ready' });
      } catch (error) {
        post({ type: 'fatal', message: `cannot open ${message.db} read-only: ${describe(error)}` });
      }
      return;
    case 'query':
      try {
        if (queries === null) throw new Error('reader not started');
        post({ type: 'reply', id: message.id, ok: true, result: queries.answer(message.query) });
      } catch (error) {
        post({ type: 'reply', id: message.id, ok: false, error: describe(error) });
      }
      return;
  }
};
