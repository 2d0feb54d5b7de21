import { KitError } from '@kit/errors';
import { isLoopbackHost } from '@kit/errors/internal';
import {
  DEMO_CREDENTIALS,
  SANDBOX_SCOPES,
  type SandboxApiKey,
  type SandboxOAuthClient,
} from './auth/credentials';
import type { RateLimitPolicy } from './http/rate-limiter';
import { SANDBOX_PROFILES, type SandboxProfile } from './profiles';
import type { SandboxFaults } from './sandbox-faults';

/** Which certificate the sandbox serves over https/wss (see README, "TLS"). */
export type SandboxTlsVariant = 'valid' | 'expired' | 'wrong-host' | 'untrusted';

/** Options for `startSandboxBroker()`. Every field is optional; `undefined` means the default. */
export interface SandboxBrokerOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. Anything but loopback needs `allowNonLoopback`. @default '127.0.0.1' */
  host?: string;
  /** Allow a non-loopback `host` (the sandbox has demo credentials anyone can read). @default false */
  allowNonLoopback?: boolean;
  /** Seed of the market walk and of every fault draw: the same seed and requests replay. @default 1 */
  seed?: number;
  /** The fault mix. @default 'none' */
  profile?: SandboxProfile;
  /** Fault overrides on top of the profile (per kind). @default undefined */
  faults?: SandboxFaults;
  /** The server clock is `Date.now() + clockOffsetMs` (switchable with `admin.setClockOffsetMs`). @default 0 */
  clockOffsetMs?: number;
  /** Serve https/wss with a fixture certificate, or plain http/ws. @default false */
  tls?: false | SandboxTlsVariant;
  /** Lifetime of OAuth bearer tokens, in milliseconds. @default 3_600_000 */
  tokenTtlMs?: number;
  /** How far `X-Timestamp` may be from the server clock, either side, in milliseconds. @default 5_000 */
  recvWindowMs?: number;
  /** Weight budget per key and window, or `false` for no limits. @default { limit: 200, windowMs: 10_000 } */
  rateLimit?: RateLimitPolicy | false;
  /** 429s in a row before the key is banned (418). @default 20 */
  banAfterViolations?: number;
  /** How long a ban lasts, in milliseconds. @default 30_000 */
  banMs?: number;
  /** Reject an order whose clientOrderId an open order already has (Binance does; many brokers do not). @default false */
  enforceUniqueClientOrderId?: boolean;
  /** The symbols traded. @default ['AAPL', 'MSFT', 'BTC-USD', 'ETH-USD'] */
  symbols?: readonly string[];
  /** Quote and book tick interval, in milliseconds. @default 100 */
  quoteIntervalMs?: number;
  /** Interval of WebSocket `heartbeat` messages, in milliseconds. @default 1_000 */
  heartbeatIntervalMs?: number;
  /** A WebSocket whose send buffer passes this many bytes is closed with 1013. @default 4_194_304 */
  slowConsumerBytes?: number;
  /** API keys (replace the demo keys). @default the demo trader and reader keys */
  credentials?: readonly SandboxApiKey[];
  /** OAuth2 clients (replace the demo client). @default the demo OAuth client */
  oauthClients?: readonly SandboxOAuthClient[];
  /** Token of the admin HTTP endpoint (at least 16 characters). @default random, see `broker.adminToken` */
  adminToken?: string;
}

/** The defaults of {@link SandboxBrokerOptions}. */
export const DEFAULT_SANDBOX_BROKER_OPTIONS = {
  port: 0,
  host: '127.0.0.1',
  allowNonLoopback: false,
  seed: 1,
  profile: 'none',
  clockOffsetMs: 0,
  tls: false,
  tokenTtlMs: 3_600_000,
  recvWindowMs: 5_000,
  rateLimit: { limit: 200, windowMs: 10_000 },
  banAfterViolations: 20,
  banMs: 30_000,
  enforceUniqueClientOrderId: false,
  symbols: ['AAPL', 'MSFT', 'BTC-USD', 'ETH-USD'],
  quoteIntervalMs: 100,
  heartbeatIntervalMs: 1_000,
  slowConsumerBytes: 4 * 1024 * 1024,
} as const;

/** Options with every default applied and every value checked. */
export interface ResolvedSandboxOptions {
  readonly port: number;
  readonly host: string;
  readonly seed: number;
  readonly profile: SandboxProfile;
  readonly faults: SandboxFaults | undefined;
  readonly clockOffsetMs: number;
  readonly tls: false | SandboxTlsVariant;
  readonly tokenTtlMs: number;
  readonly recvWindowMs: number;
  readonly rateLimit: RateLimitPolicy | false;
  readonly banAfterViolations: number;
  readonly banMs: number;
  readonly enforceUniqueClientOrderId: boolean;
  readonly symbols: readonly string[] | undefined;
  readonly quoteIntervalMs: number;
  readonly heartbeatIntervalMs: number;
  readonly slowConsumerBytes: number;
  readonly credentials: readonly SandboxApiKey[];
  readonly oauthClients: readonly SandboxOAuthClient[];
  readonly adminToken: string | undefined;
}

const KNOWN = new Set<string>([
  ...Object.keys(DEFAULT_SANDBOX_BROKER_OPTIONS),
  'faults',
  'credentials',
  'oauthClients',
  'adminToken',
]);
const TLS_VARIANTS: readonly SandboxTlsVariant[] = ['valid', 'expired', 'wrong-host', 'untrusted'];
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The error every bad option gets: `config.invalid` naming the option, what came and what is expected. */
function invalidOption(name: string, expected: string, got: unknown, hint?: string): KitError {
  const shown = typeof got === 'string' ? JSON.stringify(got.slice(0, 40)) : String(got);
  return new KitError('config.invalid', {
    message: `startSandboxBroker: ${name} must be ${expected}, got ${shown}`,
    hint: hint ?? `Fix ${name}, or leave it out for the default.`,
    details: { option: name },
  });
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(name, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

function boolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidOption(name, 'true or false', value);
  return value;
}

function probability(path: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw invalidOption(path, 'a probability from 0 to 1', value);
}

const HTTP_KINDS: Record<string, readonly string[]> = {
  latency: ['minMs', 'maxMs'],
  serverError: [],
  rateLimitBurst: ['length', 'retryAfterSeconds'],
  resetBefore: [],
  resetAfter: [],
  truncated: [],
  malformed: [],
  htmlError: ['status?'],
  drift: [],
  responseLost: [],
  executionUnknown: ['createdProbability?'],
};
const WS_KINDS: Record<string, readonly string[]> = {
  drop: [],
  skipSeq: [],
  duplicateSeq: [],
  corruptChecksum: [],
  stallHeartbeat: [],
  slowRead: ['delayMs'],
};

function checkGroup(
  path: string,
  group: unknown,
  kinds: Record<string, readonly string[]>,
  extra: string[],
): void {
  if (group === undefined) return;
  if (typeof group !== 'object' || group === null || Array.isArray(group))
    throw invalidOption(path, 'an object', group);
  for (const [kind, spec] of Object.entries(group)) {
    if (extra.includes(kind)) continue;
    const fields = kinds[kind];
    if (fields === undefined) {
      throw invalidOption(
        `${path}.${kind}`,
        `one of ${[...Object.keys(kinds), ...extra].join(', ')}`,
        kind,
        'Check the spelling against README, "Faults".',
      );
    }
    if (spec === undefined) continue;
    if (typeof spec !== 'object' || spec === null)
      throw invalidOption(`${path}.${kind}`, '{ probability, ... }', spec);
    const record = spec as Record<string, unknown>;
    probability(`${path}.${kind}.probability`, record.probability);
    for (const field of fields) {
      const optional = field.endsWith('?');
      const name = optional ? field.slice(0, -1) : field;
      const value = record[name];
      if (optional && value === undefined) continue;
      if (name === 'createdProbability') probability(`${path}.${kind}.${name}`, value);
      else if (name === 'status') integer(`${path}.${kind}.status`, value, 502, 400, 599);
      else
        integer(
          `${path}.${kind}.${name}`,
          value,
          0,
          name === 'length' || name === 'retryAfterSeconds' ? 1 : 0,
          600_000,
        );
    }
    if (kind === 'latency' && (record.minMs as number) > (record.maxMs as number)) {
      throw invalidOption(`${path}.latency`, 'minMs <= maxMs', `${record.minMs} > ${record.maxMs}`);
    }
  }
}

/** Checks a {@link SandboxFaults} value (options, `admin.setFaults`, `POST /admin/faults`). */
export function validateFaults(faults: unknown, path = 'faults'): SandboxFaults | undefined {
  if (faults === undefined) return undefined;
  if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) {
    throw invalidOption(path, 'an object { http?, ws? }', faults);
  }
  for (const key of Object.keys(faults)) {
    if (key !== 'http' && key !== 'ws') throw invalidOption(`${path}.${key}`, 'http or ws', key);
  }
  const { http, ws } = faults as Record<string, unknown>;
  checkGroup(`${path}.http`, http, HTTP_KINDS, ['match']);
  const match = (http as Record<string, unknown> | undefined)?.match;
  if (
    match !== undefined &&
    (!Array.isArray(match) || !match.every((m) => typeof m === 'string' && m.length > 0))
  ) {
    throw invalidOption(`${path}.http.match`, "a list of route patterns such as ['POST /v1/orders']", match);
  }
  checkGroup(`${path}.ws`, ws, WS_KINDS, []);
  return faults as SandboxFaults;
}

/** Checks a profile name. */
export function validateProfile(profile: unknown, name = 'profile'): SandboxProfile {
  if (!SANDBOX_PROFILES.includes(profile as SandboxProfile)) {
    throw invalidOption(name, `one of ${SANDBOX_PROFILES.join(', ')}`, profile);
  }
  return profile as SandboxProfile;
}

/** Checks a rate-limit policy (or `false`). */
export function validateRateLimit(value: unknown, name = 'rateLimit'): RateLimitPolicy | false {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null)
    throw invalidOption(name, '{ limit, windowMs } or false', value);
  const { limit, windowMs } = value as Record<string, unknown>;
  if (limit === undefined) throw invalidOption(`${name}.limit`, 'an integer from 1 to 1000000000', limit);
  if (windowMs === undefined)
    throw invalidOption(`${name}.windowMs`, 'an integer from 100 to 86400000', windowMs);
  return {
    limit: integer(`${name}.limit`, limit, Number.NaN, 1, 1_000_000_000),
    windowMs: integer(`${name}.windowMs`, windowMs, Number.NaN, 100, 86_400_000),
  };
}

/** Checks a clock offset. */
export function validateClockOffset(value: unknown, name = 'clockOffsetMs'): number {
  return integer(name, value, 0, -31_536_000_000, 31_536_000_000);
}

function scopes(name: string, value: unknown): void {
  if (!Array.isArray(value) || !value.every((s) => SANDBOX_SCOPES.includes(s))) {
    throw invalidOption(name, `a list of scopes from ${SANDBOX_SCOPES.join(', ')}`, value);
  }
}

function checkCredentials(value: unknown): readonly SandboxApiKey[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalidOption('credentials', 'a non-empty list of { keyId, secret, scopes }', value);
  const seen = new Set<string>();
  value.forEach((key: Partial<SandboxApiKey>, i) => {
    if (typeof key !== 'object' || key === null)
      throw invalidOption(`credentials[${i}]`, '{ keyId, secret, scopes }', key);
    if (typeof key.keyId !== 'string' || !ID.test(key.keyId))
      throw invalidOption(`credentials[${i}].keyId`, '1-64 characters of A-Z a-z 0-9 _ . -', key.keyId);
    if (seen.has(key.keyId)) throw invalidOption(`credentials[${i}].keyId`, 'unique', key.keyId);
    seen.add(key.keyId);
    // The value is never echoed: it is a secret.
    if (typeof key.secret !== 'string' || key.secret.length < 8)
      throw invalidOption(`credentials[${i}].secret`, 'a string of at least 8 characters', '(hidden)');
    scopes(`credentials[${i}].scopes`, key.scopes);
    if (key.accountId !== undefined && (typeof key.accountId !== 'string' || !ID.test(key.accountId))) {
      throw invalidOption(
        `credentials[${i}].accountId`,
        '1-64 characters of A-Z a-z 0-9 _ . -',
        key.accountId,
      );
    }
  });
  return value;
}

function checkClients(value: unknown): readonly SandboxOAuthClient[] {
  if (!Array.isArray(value))
    throw invalidOption('oauthClients', 'a list of { clientId, clientSecret, scopes }', value);
  value.forEach((client: Partial<SandboxOAuthClient>, i) => {
    if (typeof client !== 'object' || client === null)
      throw invalidOption(`oauthClients[${i}]`, '{ clientId, clientSecret, scopes }', client);
    if (typeof client.clientId !== 'string' || !ID.test(client.clientId))
      throw invalidOption(
        `oauthClients[${i}].clientId`,
        '1-64 characters of A-Z a-z 0-9 _ . -',
        client.clientId,
      );
    if (typeof client.clientSecret !== 'string' || client.clientSecret.length < 8)
      throw invalidOption(`oauthClients[${i}].clientSecret`, 'a string of at least 8 characters', '(hidden)');
    scopes(`oauthClients[${i}].scopes`, client.scopes);
    if (
      client.accountId !== undefined &&
      (typeof client.accountId !== 'string' || !ID.test(client.accountId))
    ) {
      throw invalidOption(
        `oauthClients[${i}].accountId`,
        '1-64 characters of A-Z a-z 0-9 _ . -',
        client.accountId,
      );
    }
  });
  return value;
}

/** Applies the defaults and checks every option; throws a `config.invalid` KitError naming the first bad one. */
export function resolveSandboxOptions(options: SandboxBrokerOptions | undefined): ResolvedSandboxOptions {
  const o = (options ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw invalidOption('options', 'an object', o);
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      throw new KitError('config.unknown_key', {
        message: `startSandboxBroker: unknown option "${key.slice(0, 40)}"`,
        hint: `Known options: ${[...KNOWN].join(', ')}.`,
      });
    }
  }
  const d = DEFAULT_SANDBOX_BROKER_OPTIONS;
  const host = o.host ?? d.host;
  if (typeof host !== 'string' || host.length === 0)
    throw invalidOption('host', 'a host name or IP address', host);
  const allowNonLoopback = boolean('allowNonLoopback', o.allowNonLoopback, d.allowNonLoopback);
  if (!allowNonLoopback && !isLoopbackHost(host)) {
    throw invalidOption(
      'host',
      'a loopback address (127.0.0.1, ::1, localhost)',
      host,
      'The sandbox serves demo credentials anyone can read; pass allowNonLoopback: true if you really mean to expose it.',
    );
  }
  const tls = o.tls ?? d.tls;
  if (tls !== false && !TLS_VARIANTS.includes(tls as SandboxTlsVariant)) {
    throw invalidOption('tls', `false or one of ${TLS_VARIANTS.join(', ')}`, tls);
  }
  const symbols = o.symbols;
  if (
    symbols !== undefined &&
    (!Array.isArray(symbols) || symbols.length === 0 || !symbols.every((s) => typeof s === 'string'))
  ) {
    throw invalidOption('symbols', "a non-empty list of symbols such as ['AAPL']", symbols);
  }
  const adminToken = o.adminToken;
  if (
    adminToken !== undefined &&
    (typeof adminToken !== 'string' || adminToken.length < 16 || /\s/.test(adminToken))
  ) {
    throw invalidOption('adminToken', 'a string of at least 16 characters without spaces', '(hidden)');
  }
  return {
    port: integer('port', o.port, d.port, 0, 65_535),
    host,
    seed: integer('seed', o.seed, d.seed, -2_147_483_648, 4_294_967_295),
    profile: o.profile === undefined ? d.profile : validateProfile(o.profile),
    faults: validateFaults(o.faults),
    clockOffsetMs: o.clockOffsetMs === undefined ? d.clockOffsetMs : validateClockOffset(o.clockOffsetMs),
    tls: tls as false | SandboxTlsVariant,
    tokenTtlMs: integer('tokenTtlMs', o.tokenTtlMs, d.tokenTtlMs, 1, 31_536_000_000),
    recvWindowMs: integer('recvWindowMs', o.recvWindowMs, d.recvWindowMs, 1, 3_600_000),
    rateLimit: o.rateLimit === undefined ? { ...d.rateLimit } : validateRateLimit(o.rateLimit),
    banAfterViolations: integer(
      'banAfterViolations',
      o.banAfterViolations,
      d.banAfterViolations,
      1,
      1_000_000,
    ),
    banMs: integer('banMs', o.banMs, d.banMs, 1, 86_400_000),
    enforceUniqueClientOrderId: boolean(
      'enforceUniqueClientOrderId',
      o.enforceUniqueClientOrderId,
      d.enforceUniqueClientOrderId,
    ),
    symbols: symbols as readonly string[] | undefined,
    quoteIntervalMs: integer('quoteIntervalMs', o.quoteIntervalMs, d.quoteIntervalMs, 1, 86_400_000),
    heartbeatIntervalMs: integer(
      'heartbeatIntervalMs',
      o.heartbeatIntervalMs,
      d.heartbeatIntervalMs,
      1,
      3_600_000,
    ),
    slowConsumerBytes: integer(
      'slowConsumerBytes',
      o.slowConsumerBytes,
      d.slowConsumerBytes,
      1024,
      1_073_741_824,
    ),
    credentials:
      o.credentials === undefined
        ? [DEMO_CREDENTIALS.trader, DEMO_CREDENTIALS.reader]
        : checkCredentials(o.credentials),
    oauthClients:
      o.oauthClients === undefined ? [DEMO_CREDENTIALS.oauthClient] : checkClients(o.oauthClients),
    adminToken: adminToken as string | undefined,
  };
}
