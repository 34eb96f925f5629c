// Test preload (and a CI step): the real Prometheus, Chromium and Redis the suite drives, installed from Debian when missing.

import { describeError } from '../src/lib/describe-error.ts';
import { ensureCommand } from './helpers/system-deps.ts';

for (const [command, aptPackage] of [
  ['prometheus', 'prometheus'],
  ['promtool', 'prometheus'],
  ['chromium', 'chromium'],
  ['redis-server', 'redis-server'],
] as const) {
  try {
    ensureCommand(command, aptPackage);
  } catch (error) {
    console.error(`lineage tests: ${describeError(error)} (the tests that need it will fail)`);
  }
}
