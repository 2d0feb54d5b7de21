import { type AuthStrategy, hmacAuth, oauth2ClientCredentials } from '@kit/auth';
import { classifyError, type ErrorCode, isKitError, type KitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import { createRestClient, type RateLimitInfo, type RestClient } from '@kit/rest-client';
import { brokerErrorMapper } from '../api/broker-error-map';
import type { ApiTarget } from '../config/api-target';
import { describeCredentials } from '../config/api-target';
import type { Credentials } from '../config/app-config';
import { formatMs } from '../io/table';
import { problemFromError, problemOf } from './check-result';
import { type HttpProbe, probeHttp, type ResolvedAddress } from './net-probes';
import type { CheckOutcome } from './network-checks';
import { readServerTime } from './network-checks';
import { createPinnedAxios, createPinnedFetch } from './pinned-transports';

/** One clock sample: the server's time against the midpoint of the local round trip. */
export interface ClockSample {
  readonly skewMs: number;
  readonly roundTripMs: number;
}

/** A sample from a `GET /v1/time` probe (wall clock, so the skew is against `Date.now()`). */
export function clockSample(probe: HttpProbe, serverTime: number): ClockSample {
  const roundTripMs = Math.max(0, probe.firstByteAtMs - probe.sentAtMs);
  return { skewMs: serverTime - (probe.sentAtMs + roundTripMs / 2), roundTripMs };
}

/** Options for {@link checkClock}. */
export interface ClockCheckOptions {
  readonly first: ClockSample;
  readonly restUrl: string;
  readonly address: ResolvedAddress;
  readonly ca: string[] | undefined;
  readonly timeoutMs: number;
  readonly recvWindowMs: number;
  /** HMAC signs timestamps (a skew beyond the window fails every call); bearer tokens do not. */
  readonly signsTimestamps: boolean;
  /** Extra samples taken; the one with the shortest round trip counts. @default 2 */
  readonly extraSamples?: number;
}

/** Measures the skew against the server and compares it with the signing window. */
export async function checkClock(
  options: ClockCheckOptions,
): Promise<CheckOutcome & { readonly skewMs?: number }> {
  const samples = [options.first];
  for (let index = 0; index < (options.extraSamples ?? 2); index++) {
    try {
      const probe = await probeHttp({
        url: new URL(`${options.restUrl}/time`),
        target: options.address,
        ca: options.ca,
        timeoutMs: options.timeoutMs,
      });
      const serverTime = readServerTime(probe.body);
      if (serverTime !== undefined) samples.push(clockSample(probe, serverTime));
    } catch {
      // One sample is enough to judge; later ones only narrow the round trip.
    }
  }
  const best = samples.reduce((a, b) => (b.roundTripMs < a.roundTripMs ? b : a));
  const skew = best.skewMs;
  const direction = skew >= 0 ? 'ahead of' : 'behind';
  const window = `window ±${formatMs(options.recvWindowMs)}`;
  const summary = `server clock ${formatMs(Math.abs(skew))} ${direction} this machine (${window}, round trip ${formatMs(best.roundTripMs)})`;
  const timings = { skewMs: Math.round(skew), roundTripMs: best.roundTripMs };
  const worst = Math.abs(skew) + best.roundTripMs / 2;
  const hint = `This machine's clock is ${formatMs(Math.abs(skew))} ${skew >= 0 ? 'behind' : 'ahead of'} the server, and signed requests are accepted only within ±${formatMs(options.recvWindowMs)}: sync it with NTP (timedatectl set-ntp true; w32tm /resync on Windows), or correct signed timestamps with @kit/auth's createServerClock.`;
  if (worst >= options.recvWindowMs) {
    return {
      status: options.signsTimestamps ? 'fail' : 'warn',
      summary,
      timings,
      skewMs: skew,
      problem: problemOf(
        'auth.clock_skew',
        `Clock skew ${Math.round(skew)} ms is outside the ${options.recvWindowMs} ms signing window`,
        hint,
      ),
    };
  }
  if (worst >= options.recvWindowMs / 2) {
    return {
      status: 'warn',
      summary,
      timings,
      skewMs: skew,
      problem: problemOf(
        'auth.clock_skew',
        `Clock skew ${Math.round(skew)} ms uses over half of the signing window`,
        hint,
      ),
    };
  }
  return { status: 'pass', summary, timings, skewMs: skew };
}

/** The signed-call side of the doctor: one REST client on the pinned path, and the last rate-limit headers seen. */
export interface DoctorApi {
  readonly client: RestClient;
  readonly auth: AuthStrategy;
  /** Rate-limit headers of the latest response (any status). */
  lastRateLimit(): RateLimitInfo | undefined;
  close(): void;
}

/** Options for {@link createDoctorApi}. */
export interface DoctorApiOptions {
  readonly target: ApiTarget;
  readonly address: ResolvedAddress;
  readonly ca: string[] | undefined;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** An auth strategy for the configured credentials (the same one signs the WebSocket login). */
function authFor(
  credentials: Credentials,
  tokenUrl: string,
  options: Omit<DoctorApiOptions, 'target'>,
): AuthStrategy {
  if (credentials.kind === 'hmac')
    return hmacAuth({ apiKey: credentials.apiKey, apiSecret: credentials.apiSecret });
  return oauth2ClientCredentials({
    tokenUrl,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    fetch: createPinnedFetch(options.address, options.ca, options.timeoutMs),
    requestTimeoutMs: options.timeoutMs,
    retry: { maxAttempts: 1 },
    logger: options.logger,
  });
}

/** A REST client with no retries: the doctor wants the first answer, not a recovered one. */
export function createDoctorApi(options: DoctorApiOptions): DoctorApi {
  const pinned = createPinnedAxios(options.address, options.ca);
  let last: RateLimitInfo | undefined;
  const auth = authFor(options.target.credentials, options.target.tokenUrl, options);
  const client = createRestClient({
    baseUrl: options.target.restUrl,
    auth,
    retry: false,
    axios: pinned.instance,
    errorMapper: brokerErrorMapper,
    logger: options.logger,
    timeouts: {
      connectMs: options.timeoutMs,
      attemptMs: options.timeoutMs,
      deadlineMs: options.timeoutMs * 2,
    },
    hooks: {
      onResponse: (event) => {
        last = event.rateLimit;
      },
    },
  });
  return { client, auth, lastRateLimit: () => last, close: pinned.close };
}

/** A signed `GET /v1/account`. */
export async function checkCredentials(api: DoctorApi, target: ApiTarget): Promise<CheckOutcome> {
  const who = describeCredentials(target.credentials);
  try {
    const response = await api.client.get('/account');
    const account = response.data as { id?: unknown; currency?: unknown };
    const id = typeof account?.id === 'string' ? account.id : 'an account';
    return {
      status: 'pass',
      summary: `GET /v1/account -> ${response.status} as ${id} (${who}) in ${formatMs(response.durationMs)}`,
      timings: { requestMs: response.durationMs },
    };
  } catch (error) {
    const kit = asKitError(error);
    return {
      status: 'fail',
      summary: `GET /v1/account rejected${kit.status ? ` (${kit.status})` : ''} for ${who}`,
      problem: problemFromError(kit, credentialHint(kit.code, target.credentials)),
    };
  }
}

function credentialHint(code: ErrorCode, credentials: Credentials): string | undefined {
  if (credentials.kind === 'hmac') {
    if (code === 'auth.invalid_signature')
      return `The server knows key ${credentials.apiKey} but rejected the signature: KIT_API_SECRET is wrong or belongs to another environment; copy it again (no spaces, no quotes).`;
    if (code === 'auth.invalid_credentials')
      return `Key ${credentials.apiKey} is not known to this server: check KIT_API_KEY, and that the key belongs to this environment (sandbox keys do not work in production).`;
  } else if (code === 'auth.invalid_credentials') {
    return `The token endpoint rejected client ${credentials.clientId}: check KIT_CLIENT_ID and KIT_CLIENT_SECRET for this environment.`;
  }
  return undefined;
}

/** Order id the permission probe cancels: no order ever has it, so the probe changes nothing. */
const PERMISSION_PROBE_ORDER_ID = 'ord_kit_doctor_permission_probe';

/**
 * Whether the key may trade, without trading: a cancel of an order id that cannot exist. A trading
 * key gets past the scope check to `ORDER_NOT_FOUND` (404); a read-only key stops at
 * `INSUFFICIENT_SCOPE` (403).
 */
export async function checkPermissions(api: DoctorApi, target: ApiTarget): Promise<CheckOutcome> {
  const who = describeCredentials(target.credentials);
  try {
    await api.client.delete(`/orders/${PERMISSION_PROBE_ORDER_ID}`);
    return { status: 'pass', summary: `read, trade (${who})` };
  } catch (error) {
    const kit = asKitError(error);
    if (kit.code === 'client.not_found') return { status: 'pass', summary: `read, trade (${who})` };
    if (kit.code === 'auth.insufficient_permissions') {
      return {
        status: 'fail',
        summary: `read only: ${who} may not place or cancel orders`,
        problem: problemFromError(
          kit,
          `${who} may read but not trade, and the reference session places and cancels orders: grant the key the "trade" scope in the console, or use a trading key.`,
        ),
      };
    }
    return { status: 'fail', summary: `could not determine (${kit.code})`, problem: problemFromError(kit) };
  }
}

/** Remaining requests in the current window, from the headers of the latest response. */
export function checkRateLimit(api: DoctorApi): CheckOutcome {
  const info = api.lastRateLimit();
  if (info?.remaining === undefined) {
    return { status: 'pass', summary: 'not announced by the server (no rate-limit headers)' };
  }
  const { remaining, limit, resetMs } = info;
  const reset = resetMs === undefined ? '' : `, resets in ${formatMs(resetMs)}`;
  const summary = `${remaining}${limit === undefined ? '' : ` of ${limit}`} requests left in this window${reset}`;
  const timings = { remaining, ...(limit === undefined ? {} : { limit }) };
  const hint = `Something else is spending most of this key's budget (another process or a loop sharing the key): find it, or give each process its own key; kit's client-side limiter (the rateLimit option) keeps one process within its share${reset ? ` (the window${reset})` : ''}.`;
  if (remaining <= 0) {
    return {
      status: 'fail',
      summary,
      timings,
      problem: problemOf('rate_limit.exceeded', 'No requests left in the rate-limit window', hint),
    };
  }
  if (limit !== undefined && remaining < Math.max(5, limit * 0.1)) {
    return {
      status: 'warn',
      summary,
      timings,
      problem: problemOf(
        'rate_limit.exceeded',
        `Only ${remaining} of ${limit} requests left in the rate-limit window`,
        hint,
      ),
    };
  }
  return { status: 'pass', summary, timings };
}

/** Anything thrown, as a KitError. */
export function asKitError(error: unknown): KitError {
  return isKitError(error) ? error : classifyError(error);
}
