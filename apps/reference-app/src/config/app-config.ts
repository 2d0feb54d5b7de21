import { existsSync } from 'node:fs';
import {
  type ConfigProblem,
  configFileEnvVar,
  defineConfig,
  duration,
  type EnvSource,
  httpsUrl,
  isConfigError,
  secret,
} from '@kit/config';
import type { Secret } from '@kit/logger';
import * as v from 'valibot';
import type { OptionSpec } from '../cli/command-spec';

/** Prefix of every environment variable the app reads (`KIT_TARGET`, `KIT_API_KEY`, …). */
export const APP_ENV_PREFIX = 'KIT_';

/** The config file read when present and no other is named. */
const DEFAULT_CONFIG_FILE = 'kit.config.json';

/** Log levels accepted by `--log-level`. */
const LOG_LEVEL_NAMES = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** Fault profiles of the sandbox. */
const PROFILE_NAMES = ['none', 'mild', 'harsh'] as const;

const schema = v.object({
  target: v.optional(
    v.pipe(httpsUrl(), v.description('Base URL of the API (REST under /v1); unset: the embedded sandbox')),
  ),
  wsUrl: v.optional(
    v.pipe(
      httpsUrl({ protocols: ['ws:', 'wss:'] }),
      v.description('Stream URL; default derived from target'),
    ),
  ),
  apiKey: v.optional(v.pipe(v.string(), v.minLength(1), v.description('HMAC API key id'))),
  apiSecret: v.optional(v.pipe(secret(), v.description('HMAC API secret'))),
  clientId: v.optional(v.pipe(v.string(), v.minLength(1), v.description('OAuth2 client id'))),
  clientSecret: v.optional(v.pipe(secret(), v.description('OAuth2 client secret'))),
  adminToken: v.optional(v.pipe(secret(), v.description("A separately started sandbox's admin token"))),
  caFile: v.optional(
    v.pipe(v.string(), v.minLength(1), v.description('Extra CA certificate (PEM) to trust')),
  ),
  profile: v.optional(
    v.pipe(v.picklist(PROFILE_NAMES), v.description('Fault profile of the embedded sandbox')),
    'mild',
  ),
  seed: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(0),
      v.maxValue(2 ** 31 - 1),
      v.description('Fault seed (default random)'),
    ),
  ),
  duration: v.optional(
    v.pipe(duration(), v.minValue(2_000), v.maxValue(600_000), v.description('Length of the start session')),
    '30s',
  ),
  timeout: v.optional(
    v.pipe(
      duration(),
      v.minValue(100),
      v.maxValue(60_000),
      v.description('Time limit of each doctor network check'),
    ),
    '5s',
  ),
  recvWindowMs: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.description("The server's signing window for timestamps"),
    ),
    5_000,
  ),
  symbol: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Z0-9-]{1,16}$/), v.description('Symbol to trade and stream')),
    'AAPL',
  ),
  logLevel: v.optional(v.pipe(v.picklist(LOG_LEVEL_NAMES), v.description('Lowest level logged')), 'warn'),
  logFile: v.optional(
    v.pipe(v.string(), v.minLength(1), v.description('File for JSON logs (default stderr)')),
  ),
});

/** The app's settings: flags > environment (`KIT_*`) > config file > defaults. */
export const appConfig = defineConfig({ schema, envPrefix: APP_ENV_PREFIX });

/** The loaded settings. */
export type AppConfig = v.InferOutput<typeof schema>;

/** Credentials for the API, as the config gave them. */
export type Credentials =
  | { readonly kind: 'hmac'; readonly apiKey: string; readonly apiSecret: Secret }
  | { readonly kind: 'oauth2'; readonly clientId: string; readonly clientSecret: Secret };

/** The outcome of {@link loadAppConfig}: the config, or every problem found. */
export type LoadedAppConfig =
  | { readonly ok: true; readonly config: AppConfig; readonly file: string | undefined }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[]; readonly file: string | undefined };

/** Options for {@link loadAppConfig}. */
export interface LoadAppConfigOptions {
  /** Parsed flag values by long option name. */
  readonly flags: Readonly<Record<string, string | boolean>>;
  /** The options of the command (maps flags to settings). */
  readonly optionSpecs: readonly OptionSpec[];
  /** Environment. @default process.env */
  readonly env?: EnvSource;
  /** Directory a relative default config file is looked up in. @default process.cwd() */
  readonly cwd?: string;
}

const NUMERIC_SETTINGS = new Set(['seed', 'recvWindowMs']);

/**
 * Loads the config through @kit/config and adds the checks that span settings (a key without its
 * secret, both credential kinds, a target without credentials). Every problem comes back at once;
 * problems from a flag name the flag as their origin.
 */
export function loadAppConfig(options: LoadAppConfigOptions): LoadedAppConfig {
  const flagFile = typeof options.flags.config === 'string' ? options.flags.config : undefined;
  const fileVar = configFileEnvVar(APP_ENV_PREFIX);
  // @kit/config lets KIT_CONFIG_FILE win over its `file` option; a flag must win over both.
  const env =
    flagFile === undefined
      ? (options.env ?? process.env)
      : { ...(options.env ?? process.env), [fileVar]: undefined };
  const envFile = env[fileVar];
  const defaultFile = `${options.cwd ?? process.cwd()}/${DEFAULT_CONFIG_FILE}`;
  const file = envFile ?? flagFile ?? (existsSync(defaultFile) ? defaultFile : undefined);
  const overrides: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  for (const spec of options.optionSpecs) {
    const value = options.flags[spec.name];
    if (spec.configKey === undefined || typeof value !== 'string') continue;
    flagOf.set(spec.configKey, `--${spec.name}`);
    overrides[spec.configKey] =
      NUMERIC_SETTINGS.has(spec.configKey) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  let config: AppConfig;
  try {
    config = appConfig.load({
      env,
      overrides: overrides as never,
      ...(file === undefined ? {} : { file }),
      // The adapter's own variables are not ours, and logger/TLS variables are read elsewhere.
      ignoreEnvVars: ['KIT_LOG_FORMAT', 'KIT_CONFIG_FILE'],
    }) as AppConfig;
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return { ok: false, file, problems: error.problems.map((problem) => fromFlag(problem, flagOf)) };
  }
  const problems = crossChecks(config, flagOf);
  return problems.length > 0 ? { ok: false, file, problems } : { ok: true, config, file };
}

function fromFlag(problem: ConfigProblem, flagOf: ReadonlyMap<string, string>): ConfigProblem {
  if (problem.source !== 'override') return problem;
  const flag = flagOf.get(problem.path) ?? `--${problem.path}`;
  const hint = problem.hint.includes('JSON file')
    ? `Pass ${problem.expected} to ${flag}, e.g. ${flag} 42.`
    : problem.hint;
  return { ...problem, origin: flag, hint };
}

function crossChecks(config: AppConfig, flagOf: ReadonlyMap<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pair = (id: 'apiKey' | 'clientId', secretKey: 'apiSecret' | 'clientSecret', what: string) => {
    const hasId = config[id] !== undefined;
    const hasSecret = config[secretKey] !== undefined;
    if (hasId === hasSecret) return;
    const missing = hasId ? secretKey : id;
    problems.push({
      code: 'config.missing',
      path: missing,
      envVar: envName(missing),
      expected: `${what} given together with ${hasId ? id : secretKey}`,
      received: 'nothing',
      hint: `Set ${envName(missing)} (or "${missing}" in the config file): ${what} needs both halves.`,
    });
  };
  pair('apiKey', 'apiSecret', 'an HMAC key');
  pair('clientId', 'clientSecret', 'an OAuth2 client');
  if (config.apiKey !== undefined && config.clientId !== undefined) {
    problems.push({
      code: 'config.conflict',
      path: 'clientId',
      envVar: envName('clientId'),
      expected: 'one kind of credentials',
      received: 'both an HMAC key and an OAuth2 client',
      hint: 'Keep either KIT_API_KEY + KIT_API_SECRET or KIT_CLIENT_ID + KIT_CLIENT_SECRET, not both.',
    });
  }
  if (config.target !== undefined && config.apiKey === undefined && config.clientId === undefined) {
    problems.push({
      code: 'config.missing',
      path: 'apiKey',
      envVar: envName('apiKey'),
      ...(flagOf.has('target') ? { source: 'override', origin: flagOf.get('target') } : {}),
      expected: 'credentials for the target',
      received: 'nothing',
      hint: 'Set KIT_API_KEY and KIT_API_SECRET (HMAC) or KIT_CLIENT_ID and KIT_CLIENT_SECRET (OAuth2) for --target.',
    });
  }
  if (config.wsUrl !== undefined && config.target === undefined) {
    problems.push({
      code: 'config.invalid',
      path: 'wsUrl',
      envVar: envName('wsUrl'),
      expected: 'a stream URL only together with target',
      received: 'a stream URL for the embedded sandbox',
      hint: 'Set --target (KIT_TARGET) too, or drop --ws-url: the embedded sandbox picks its own port.',
    });
  }
  if (config.caFile !== undefined && !existsSync(config.caFile)) {
    problems.push({
      code: 'config.unreadable',
      path: 'caFile',
      envVar: envName('caFile'),
      expected: 'a readable PEM file',
      received: 'a path that does not exist',
      hint: 'Point --ca-file (KIT_CA_FILE) at the CA certificate in PEM format.',
    });
  }
  return problems;
}

function envName(path: string): string {
  return appConfig.describe().find((field) => field.path === path)?.envVar ?? path;
}

/** The credentials the config names, or undefined (then the embedded sandbox's demo ones apply). */
export function configuredCredentials(config: AppConfig): Credentials | undefined {
  if (config.apiKey !== undefined && config.apiSecret !== undefined) {
    return { kind: 'hmac', apiKey: config.apiKey, apiSecret: config.apiSecret };
  }
  if (config.clientId !== undefined && config.clientSecret !== undefined) {
    return { kind: 'oauth2', clientId: config.clientId, clientSecret: config.clientSecret };
  }
  return undefined;
}

/** One problem as a line for people: the setting, where its value came from, and the hint. */
export function describeProblem(problem: ConfigProblem): { readonly what: string; readonly hint: string } {
  const name = problem.path || problem.origin || '(config)';
  const where =
    problem.source === undefined
      ? problem.envVar
        ? `not set; ${problem.envVar}`
        : 'not set'
      : problem.origin && problem.origin !== name
        ? `${problem.source === 'override' ? 'flag' : problem.source} ${problem.origin}`
        : problem.source;
  return {
    what: `${name} (${where}): expected ${problem.expected}, received ${problem.received}`,
    hint: problem.hint,
  };
}
