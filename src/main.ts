// Entry point (`bun run server`): parse config once, start the node, handle signals. Exit 2 on bad config.

import { startApp } from './app.ts';
import { type Config, ConfigError, loadConfig, usage } from './config.ts';
import { describeError } from './lib/describe-error.ts';
import { VERSION } from './version.ts';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(usage());
  process.exit(0);
}
if (argv.includes('--version')) {
  console.log(VERSION);
  process.exit(0);
}

let config: Config;
try {
  config = loadConfig(argv, process.env);
} catch (error) {
  console.error(`lineage: ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(2);
}

try {
  const app = await startApp(config);
  let signalled = false;
  const stop = async (signal: string) => {
    if (signalled) return;
    signalled = true;
    console.log(`lineage: ${signal} received, shutting down`);
    const force = setTimeout(() => {
      console.error(`lineage: shutdown took longer than ${config.shutdownTimeoutMs} ms, exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs + 500);
    force.unref();
    await app.shutdown();
    console.log('lineage: stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // SIGHUP re-reads a --jwks file (keys rotate without a restart); it no longer ends the process.
  process.on('SIGHUP', () => void app.reloadCredentials());
  app.failed.then(async (message) => {
    console.error(`lineage: ${message}`);
    await app.shutdown();
    process.exit(1);
  });
} catch (error) {
  console.error(`lineage: ${describeError(error)}`);
  process.exit(1);
}
