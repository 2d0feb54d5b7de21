// Shared test helpers: a sandbox per test file, an adapter config pointing at it (demo credentials),
// and the secret scanner used wherever output is checked.
import { inspect } from 'node:util';
import {
  DEMO_CREDENTIALS,
  type SandboxBroker,
  type SandboxBrokerOptions,
  startSandboxBroker,
} from '@kit/sandbox-broker';
import {
  createSampleBroker,
  type SampleBroker,
  type SampleBrokerOptions,
  sampleBrokerConfig,
} from '../src/index';

/** Every secret the demo credentials hold (and the ids, which must not leak either). */
export const DEMO_SECRETS: readonly string[] = [
  DEMO_CREDENTIALS.trader.secret,
  DEMO_CREDENTIALS.reader.secret,
  DEMO_CREDENTIALS.oauthClient.clientSecret,
];

/** Starts a sandbox with no faults unless told. */
export function sandbox(options: SandboxBrokerOptions = {}): Promise<SandboxBroker> {
  return startSandboxBroker({ port: 0, seed: 7, profile: 'none', ...options });
}

/** Environment variables for the adapter against `broker`. */
export function envFor(
  broker: SandboxBroker,
  credentials: 'trader' | 'reader' | 'oauth' = 'trader',
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    SAMPLE_BROKER_BASE_URL: broker.url,
    SAMPLE_BROKER_WS_URL: broker.wsUrl,
    ...extra,
  };
  if (credentials === 'oauth') {
    env.SAMPLE_BROKER_CLIENT_ID = DEMO_CREDENTIALS.oauthClient.clientId;
    env.SAMPLE_BROKER_CLIENT_SECRET = DEMO_CREDENTIALS.oauthClient.clientSecret;
  } else {
    const key = DEMO_CREDENTIALS[credentials];
    env.SAMPLE_BROKER_API_KEY = key.keyId;
    env.SAMPLE_BROKER_API_SECRET = key.secret;
  }
  return env;
}

/** Fast timings for tests (short backoffs; the defaults are for production). */
export const FAST: Record<string, string> = {
  SAMPLE_BROKER_RETRY_INITIAL_DELAY_MS: '20',
  SAMPLE_BROKER_RETRY_MAX_DELAY_MS: '200',
  SAMPLE_BROKER_RECONCILE_INITIAL_DELAY_MS: '20',
  SAMPLE_BROKER_RECONCILE_MAX_DELAY_MS: '200',
  SAMPLE_BROKER_RATE_LIMIT: '0',
  SAMPLE_BROKER_CATCH_UP_INTERVAL_MS: '250',
};

/** Fast WebSocket reconnects for tests. */
export const FAST_WS: SampleBrokerOptions = {
  wsReconnect: {
    initialDelayMs: 10,
    maxDelayMs: 100,
    fastRetryMaxMs: 10,
    restartMinDelayMs: 10,
    restartMaxDelayMs: 50,
  },
};

/** An adapter against `broker`. */
export function adapterFor(
  broker: SandboxBroker,
  options: SampleBrokerOptions & {
    credentials?: 'trader' | 'reader' | 'oauth';
    env?: Record<string, string>;
  } = {},
): SampleBroker {
  const { credentials, env, ...rest } = options;
  const config = sampleBrokerConfig.load({ env: envFor(broker, credentials, { ...FAST, ...env }) });
  return createSampleBroker(config, { ...FAST_WS, ...rest });
}

/** Every way a value can reach a user's screen or log: message, JSON, util.inspect, String. */
export function renderings(value: unknown): string {
  const parts = [String(value), inspect(value, { depth: 10 })];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: inspect covers it
  }
  if (value instanceof Error) parts.push(value.message, value.stack ?? '');
  return parts.join('\n');
}

/** The secrets found in `text` (none, we hope). */
export function leakedSecrets(text: string, secrets: readonly string[] = DEMO_SECRETS): string[] {
  return secrets.filter((secret) => text.includes(secret));
}
