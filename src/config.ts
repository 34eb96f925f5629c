// The one configuration schema: CLI flags override LINEAGE_* env vars override embedded defaults; parsed once, frozen.
import type { z } from 'zod';
import { JWT_SOURCES } from './config-credentials.ts';
import { OPTIONS } from './config-options.ts';

export { DEFAULT_SYMBOLS } from './config-options.ts';

type Options = typeof OPTIONS;
export type Config = Readonly<{ [K in keyof Options]: z.output<Options[K]['schema']> }>;

/** A bad option: the message names the field and why; the entry point exits with status 2. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  override name = 'ConfigError';
}

/** Values never echoed in an error message. */
const SECRETS: ReadonlySet<string> = new Set(['authToken', 'jwtSecret']);

const byFlag = new Map(Object.entries(OPTIONS).map(([key, o]) => [o.flag, key as keyof Options]));

/** Read `--flag value` / `--flag=value` pairs. */
function readFlags(argv: readonly string[]): Map<keyof Options, string> {
  const out = new Map<keyof Options, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}" (options look like --port 9001)`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const key = byFlag.get(name);
    if (key === undefined) throw new ConfigError(`unknown option --${name} (see --help)`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`--${name}: needs a value`);
      i++;
    }
    out.set(key, value);
  }
  return out;
}

/**
 * Parse the configuration once. Throws `ConfigError` naming the field.
 * @example const config = loadConfig(process.argv.slice(2), process.env);
 */
export function loadConfig(argv: readonly string[] = [], env: Record<string, string | undefined> = {}): Config {
  const flags = readFlags(argv);
  const out: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(OPTIONS) as [keyof Options, Options[keyof Options]][]) {
    const fromFlag = flags.get(key);
    const fromEnv = env[option.env];
    const raw = fromFlag ?? (fromEnv === '' ? undefined : fromEnv);
    const result = (option.schema as z.ZodType).safeParse(raw);
    if (!result.success) {
      const source = fromFlag !== undefined ? `--${option.flag}` : `${option.env}`;
      const why = result.error.issues[0]?.message ?? 'invalid';
      const shown = SECRETS.has(key) ? '' : ` (got "${String(raw).slice(0, 60)}")`;
      throw new ConfigError(`invalid configuration: ${source}: ${why}${shown}`);
    }
    out[key] = result.data;
  }
  const jwt = JWT_SOURCES.filter((k) => out[k] !== undefined).map((k) => `--${OPTIONS[k].flag}`);
  if (jwt.length > 1)
    throw new ConfigError(`invalid configuration: ${jwt.join(' and ')}: set one JWT key source, not ${jwt.length}`);
  if (jwt.length === 1 && out.authToken !== undefined)
    throw new ConfigError(`invalid configuration: --auth-token and ${jwt[0]}: a shared token or JWTs, not both`);
  if (out.role !== 'all' && out.redisUrl === undefined) {
    throw new ConfigError(`invalid configuration: --role ${String(out.role)} needs --redis-url (LINEAGE_REDIS_URL)`);
  }
  return Object.freeze(out) as Config;
}

/** The `--help` text, generated from the schema table. */
export function usage(): string {
  const lines = ['Usage: bun run server [options]', '', 'Options (flag, env var, default):'];
  for (const option of Object.values(OPTIONS)) {
    const parsed = (option.schema as z.ZodType).safeParse(undefined);
    const shown = (v: unknown) => (v instanceof Set ? [...v].join(',') || 'off' : String(v));
    const def = parsed.success && parsed.data !== undefined ? shown(parsed.data) : '-';
    lines.push(
      `  --${option.flag.padEnd(22)} ${option.env.padEnd(30)} ${def.length > 30 ? `${def.slice(0, 27)}...` : def}`,
    );
    lines.push(`      ${option.help}`);
  }
  lines.push('', '  --help, --version');
  return lines.join('\n');
}
