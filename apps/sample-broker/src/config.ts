// The adapter's configuration: one @kit/config schema, read from SAMPLE_BROKER_* variables (and an
// optional JSON file), credentials as secret() fields. For another broker: rename the prefix, keep
// the credential pair(s) your venue uses, and default the tunables to its documented limits.
import {
  ConfigError,
  type ConfigProblem,
  defineConfig,
  type describeConfig,
  duration,
  envVarName,
  type FrozenConfig,
  httpsUrl,
  isConfigError,
  type LoadConfigOptions,
  loadConfig,
  secret,
} from '@kit/config';
import { KitError } from '@kit/errors';
import * as v from 'valibot';
import type { SampleBrokerConfig } from './types';

/** Prefix of every environment variable (`SAMPLE_BROKER_API_KEY`, `SAMPLE_BROKER_BASE_URL`, ...). */
export const SAMPLE_BROKER_ENV_PREFIX = 'SAMPLE_BROKER_';

/** The defaults of the tunable settings (the sandbox's own limits where it has them). */
export const DEFAULT_SAMPLE_BROKER_CONFIG = {
  requestTimeoutMs: 10_000,
  deadlineMs: 30_000,
  maxAttempts: 3,
  retryInitialDelayMs: 500,
  retryMaxDelayMs: 5_000,
  reconcileBudgetMs: 10_000,
  reconcileInitialDelayMs: 200,
  reconcileMaxDelayMs: 2_000,
  // The sandbox allows 200 weight units per 10 s per key; leave headroom for other clients of the key.
  rateLimit: 180,
  rateLimitWindowMs: 10_000,
  idleTimeoutMs: 15_000,
  catchUpIntervalMs: 5_000,
  schemaMode: 'strict',
} as const satisfies Partial<SampleBrokerConfig>;

const d = DEFAULT_SAMPLE_BROKER_CONFIG;
const millis = (min: number, max: number, fallback: number, what: string) =>
  v.optional(v.pipe(duration(), v.minValue(min), v.maxValue(max), v.description(what)), fallback);
const count = (min: number, max: number, fallback: number, what: string) =>
  v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max), v.description(what)),
    fallback,
  );
const credential = (what: string) => v.optional(v.pipe(secret(), v.description(what)));

const credentialsSchema = {
  apiKey: credential('HMAC key id (with apiSecret)'),
  apiSecret: credential('HMAC signing secret (with apiKey)'),
  clientId: credential('OAuth2 client id (with clientSecret)'),
  clientSecret: credential('OAuth2 client secret (with clientId)'),
};

/** The schema: each entry is one setting; `describe()` lists them with their variables and defaults. */
export const sampleBrokerConfigSchema = v.object({
  baseUrl: v.pipe(httpsUrl(), v.description('REST base URL without /v1, e.g. http://127.0.0.1:8080')),
  wsUrl: v.pipe(
    httpsUrl({ protocols: ['ws:', 'wss:'] }),
    v.description('WebSocket URL, e.g. ws://127.0.0.1:8080/v1/stream'),
  ),
  ...credentialsSchema,
  requestTimeoutMs: millis(100, 120_000, d.requestTimeoutMs, 'timeout of one REST attempt'),
  deadlineMs: millis(100, 600_000, d.deadlineMs, 'deadline of one REST call, retries included'),
  maxAttempts: count(1, 10, d.maxAttempts, 'REST attempts per call'),
  retryInitialDelayMs: millis(1, 60_000, d.retryInitialDelayMs, 'first REST retry backoff'),
  retryMaxDelayMs: millis(1, 600_000, d.retryMaxDelayMs, 'largest REST retry backoff'),
  reconcileBudgetMs: millis(
    0,
    600_000,
    d.reconcileBudgetMs,
    'time placeOrder spends resolving an unknown outcome',
  ),
  reconcileInitialDelayMs: millis(1, 60_000, d.reconcileInitialDelayMs, 'first lookup/resync backoff'),
  reconcileMaxDelayMs: millis(1, 600_000, d.reconcileMaxDelayMs, 'largest lookup/resync backoff'),
  rateLimit: count(0, 1_000_000, d.rateLimit, 'client-side weight units per window (0: off)'),
  rateLimitWindowMs: millis(1, 3_600_000, d.rateLimitWindowMs, 'client-side rate-limit window'),
  idleTimeoutMs: millis(
    0,
    600_000,
    d.idleTimeoutMs,
    'a stream silent this long is stale and reconnects (0: off)',
  ),
  catchUpIntervalMs: millis(
    0,
    3_600_000,
    d.catchUpIntervalMs,
    'a quiet order stream checks REST this often (0: off)',
  ),
  schemaMode: v.optional(
    v.pipe(
      v.picklist(['strict', 'tolerant']),
      v.description('strict fails on a drifted answer, tolerant logs it'),
    ),
    d.schemaMode,
  ),
});

// The schema's output must be the pinned public type (ADAPTER_API.md); this fails to compile if not.
type SchemaOutput = v.InferOutput<typeof sampleBrokerConfigSchema>;
const schemaMatchesPublicType: SchemaOutput extends SampleBrokerConfig ? true : false = true;
void schemaMatchesPublicType;

/** Options of {@link sampleBrokerConfig}'s `load` (any @kit/config load option but the schema). */
export type SampleBrokerConfigLoadOptions = Partial<
  Omit<LoadConfigOptions<typeof sampleBrokerConfigSchema>, 'schema'>
>;

/** The config definition: `load()`, `describe()` and the schema. */
export interface SampleBrokerConfigDefinition {
  /** The valibot schema. */
  readonly schema: typeof sampleBrokerConfigSchema;
  /**
   * Loads and validates the config (schema defaults < file < `SAMPLE_BROKER_*` env < overrides).
   * Every problem is reported at once in one `ConfigError`, including a missing or half-given
   * credential pair.
   */
  load(options?: SampleBrokerConfigLoadOptions): FrozenConfig<SampleBrokerConfig>;
  /** Every setting with its environment variable, type and default. */
  describe(): ReturnType<typeof describeConfig>;
}

const definition = defineConfig({
  schema: sampleBrokerConfigSchema,
  envPrefix: SAMPLE_BROKER_ENV_PREFIX,
});

const credentialsOnly = v.object(credentialsSchema);

/**
 * The credential rule the schema cannot say field by field: exactly one complete pair, API key +
 * secret (HMAC) or client id + secret (OAuth2). Read from the same sources as the main load, so its
 * problem joins the others in one error.
 */
function credentialProblems(options: SampleBrokerConfigLoadOptions): ConfigProblem[] {
  let given: v.InferOutput<typeof credentialsOnly>;
  try {
    given = loadConfig({
      ...options,
      schema: credentialsOnly,
      envPrefix: SAMPLE_BROKER_ENV_PREFIX,
      unknownKeys: 'ignore',
    });
  } catch (error) {
    // A malformed credential (whitespace, quotes) is reported by the main load already.
    if (isConfigError(error)) return [];
    throw error;
  }
  const env = (path: string) => envVarName(path, SAMPLE_BROKER_ENV_PREFIX);
  const hmac = [given.apiKey, given.apiSecret].filter((value) => value !== undefined).length;
  const oauth = [given.clientId, given.clientSecret].filter((value) => value !== undefined).length;
  const problem = (path: string, expected: string, received: string, hint: string): ConfigProblem => ({
    code: 'config.missing',
    path,
    envVar: env(path),
    expected,
    received,
    hint,
  });
  if (hmac === 0 && oauth === 0) {
    return [
      problem(
        'apiKey',
        'credentials: apiKey + apiSecret (HMAC) or clientId + clientSecret (OAuth2)',
        'nothing',
        `Set ${env('apiKey')} and ${env('apiSecret')}, or ${env('clientId')} and ${env('clientSecret')}.`,
      ),
    ];
  }
  const problems: ConfigProblem[] = [];
  if (hmac === 1) {
    const missing = given.apiKey === undefined ? 'apiKey' : 'apiSecret';
    problems.push(
      problem(
        missing,
        'the other half of the apiKey + apiSecret pair',
        'nothing',
        `Set ${env(missing)}: HMAC signing needs both the key and its secret.`,
      ),
    );
  }
  if (oauth === 1) {
    const missing = given.clientId === undefined ? 'clientId' : 'clientSecret';
    problems.push(
      problem(
        missing,
        'the other half of the clientId + clientSecret pair',
        'nothing',
        `Set ${env(missing)}: OAuth2 client credentials need both the id and the secret.`,
      ),
    );
  }
  if (hmac === 2 && oauth === 2) {
    problems.push({
      code: 'config.conflict',
      path: 'clientId',
      envVar: env('clientId'),
      expected: 'one credential pair',
      received: 'both an API key pair and an OAuth2 client pair',
      hint: `Keep one: unset ${env('clientId')} and ${env('clientSecret')}, or ${env('apiKey')} and ${env('apiSecret')}.`,
    });
  }
  return problems;
}

/**
 * The adapter's config definition (env prefix `SAMPLE_BROKER_`).
 *
 * @example
 * ```ts
 * const config = sampleBrokerConfig.load(); // reads process.env
 * const broker = createSampleBroker(config);
 * ```
 */
export const sampleBrokerConfig: SampleBrokerConfigDefinition = {
  schema: sampleBrokerConfigSchema,
  load(options = {}) {
    const extra = credentialProblems(options);
    let loaded: FrozenConfig<SampleBrokerConfig> | undefined;
    let problems: readonly ConfigProblem[] = [];
    try {
      loaded = definition.load(options);
    } catch (error) {
      if (!isConfigError(error)) throw error;
      problems = error.problems;
    }
    const all = [...problems, ...extra.filter((p) => !problems.some((q) => q.path === p.path))];
    if (all.length > 0 || loaded === undefined) throw new ConfigError(all);
    return loaded;
  },
  describe: () => definition.describe(),
};

/**
 * Re-validates a config through the schema, so a hand-built object (not from `load()`) gets the
 * same one-error-with-every-problem treatment. Secrets are revealed only into the loader, which
 * wraps them again. @internal
 */
export function checkedConfig(config: SampleBrokerConfig): SampleBrokerConfig {
  if (typeof config !== 'object' || config === null) {
    throw new KitError('config.invalid', {
      message: 'createSampleBroker() needs a config object',
      hint: 'Pass sampleBrokerConfig.load() (it reads the SAMPLE_BROKER_* variables).',
    });
  }
  const overrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    overrides[key] =
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { reveal?: unknown }).reveal === 'function'
        ? (value as { reveal(): string }).reveal()
        : value;
  }
  return sampleBrokerConfig.load({ env: {}, overrides: overrides as never });
}
