// A load process (`bun bench/load/main.ts <init JSON>`): connects to the server under test and obeys the harness over IPC.

import { describeError } from '../../src/lib/describe-error.ts';
import type { Command, LoadInit, LoadMessage } from './commands.ts';
import { Fleet } from './fleet.ts';

const init = JSON.parse(process.argv[2] ?? '{}') as LoadInit;
const send = (message: LoadMessage) => process.send?.(message);

// Hard deadline: a load process never outlives its run, whatever happens to the harness.
setTimeout(() => process.exit(3), init.lifetimeMs);
process.on('disconnect', () => process.exit(0));

const fleet = new Fleet(init);
process.on('message', (message: unknown) => {
  const command = message as Command;
  fleet.handle(command).then(
    (result) => send({ type: 'reply', reply: { id: command.id, ok: true, result: (result ?? null) as never } }),
    (error: unknown) => send({ type: 'reply', reply: { id: command.id, ok: false, error: describeError(error) } }),
  );
});

try {
  await fleet.reference.connect(init.connectTimeoutMs);
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'fatal', message: describeError(error) });
  setTimeout(() => process.exit(1), 100);
}
