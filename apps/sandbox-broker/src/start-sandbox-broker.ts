import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KitError } from '@kit/errors';
import { createSeededRandom } from '@kit/testing';
import { createAuthenticator } from './auth/create-authenticator';
import { createAdminHandler } from './http/admin-routes';
import { createRequestHandler } from './http/create-request-handler';
import { HttpFaultPlanner } from './http/http-fault-plan';
import { IdempotencyStore } from './http/idempotency-store';
import { RateLimiter } from './http/rate-limiter';
import { restRoutes } from './http/rest-routes';
import { Router } from './http/router';
import { createLedger } from './ledger/create-ledger';
import type { SandboxLedger } from './ledger/sandbox-ledger';
import { createMarket } from './market/create-market';
import {
  resolveSandboxOptions,
  type SandboxBrokerOptions,
  validateClockOffset,
  validateFaults,
  validateProfile,
  validateRateLimit,
} from './options';
import { resolveFaults, type SandboxProfile } from './profiles';
import type { SandboxAdmin } from './sandbox-admin';
import type { SandboxFaults } from './sandbox-faults';
import { loadTlsFixture } from './tls-fixtures';
import { createTrading } from './trading/create-trading';
import { attachStream } from './ws/attach-stream';
import type { Stream } from './ws/stream-types';

/** A running sandbox broker. */
export interface SandboxBroker {
  /** `http://127.0.0.1:PORT` (https with `tls`): REST under `${url}/v1`, OAuth at `${url}/oauth/token`. */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/v1/stream` (wss with `tls`). */
  readonly wsUrl: string;
  /** The port listened on. */
  readonly port: number;
  /** Run-time switches. */
  readonly admin: SandboxAdmin;
  /** The ground truth so far (a copy). */
  ledger(): SandboxLedger;
  /** The token of the admin HTTP endpoint (`Authorization: Bearer <adminToken>`). */
  readonly adminToken: string;
  /** The test CA's certificate (PEM) when serving TLS: trust it to accept the `valid` certificate. */
  readonly caCertPem: string | undefined;
  /** Stops everything: closes WebSockets (1001), sockets, timers. */
  close(): Promise<void>;
}

/** Derives an independent seed per random stream, so the HTTP and WebSocket fault draws never interleave. */
function streamSeed(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + stream * 0xc2b2ae35) >>> 0;
}

function hostForUrl(host: string): string {
  if (host === 'localhost' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the sandbox broker: a stateful simulated broker (REST under `/v1`, OAuth2, a WebSocket
 * stream) with seeded fault injection and a ground-truth ledger, on loopback by default.
 *
 * @example
 * ```ts
 * const broker = await startSandboxBroker({ seed: 42, profile: 'mild' });
 * const res = await fetch(`${broker.url}/v1/time`); // { serverTime }
 * broker.ledger().counts.requests; // 1
 * await broker.close();
 * ```
 */
export async function startSandboxBroker(options?: SandboxBrokerOptions): Promise<SandboxBroker> {
  const settings = resolveSandboxOptions(options);
  let clockOffsetMs = settings.clockOffsetMs;
  const now = () => Date.now() + clockOffsetMs;

  const market = createMarket({
    seed: settings.seed,
    symbols: settings.symbols,
    quoteIntervalMs: settings.quoteIntervalMs,
    now,
  });
  const ledger = createLedger(now);
  const auth = createAuthenticator({
    apiKeys: settings.credentials,
    oauthClients: settings.oauthClients,
    now,
    recvWindowMs: settings.recvWindowMs,
    tokenTtlMs: settings.tokenTtlMs,
  });
  const trading = createTrading({
    market,
    now,
    enforceUniqueClientOrderId: settings.enforceUniqueClientOrderId,
  });

  const planner = new HttpFaultPlanner(settings.seed);
  let profile: SandboxProfile = settings.profile;
  let overrides: SandboxFaults | undefined = settings.faults;
  let faults = resolveFaults(profile, overrides);
  const applyFaults = () => {
    faults = resolveFaults(profile, overrides);
    planner.set(faults.http);
  };
  applyFaults();

  const makeLimiter = (policy: typeof settings.rateLimit) =>
    policy === false
      ? undefined
      : new RateLimiter({
          policy,
          banAfterViolations: settings.banAfterViolations,
          banMs: settings.banMs,
          now: Date.now,
          clockOffsetMs: () => clockOffsetMs,
        });
  let limiter = makeLimiter(settings.rateLimit);

  const adminToken = settings.adminToken ?? `sbx_admin_${randomBytes(18).toString('base64url')}`;
  // Attached once the server exists (below); the admin switches reach it through this.
  let stream: Stream | undefined;

  const admin: SandboxAdmin = {
    setProfile(name) {
      profile = validateProfile(name);
      overrides = undefined;
      applyFaults();
    },
    setFaults(next) {
      overrides = validateFaults(next) ?? {};
      applyFaults();
    },
    clearFaults() {
      profile = 'none';
      overrides = undefined;
      applyFaults();
    },
    get faults() {
      return structuredClone(faults);
    },
    setClockOffsetMs(offsetMs) {
      clockOffsetMs = validateClockOffset(offsetMs, 'offsetMs');
    },
    get clockOffsetMs() {
      return clockOffsetMs;
    },
    revokeTokens: () => auth.revokeTokens(),
    expireTokens: () => auth.expireTokens(),
    dropConnections: (code) => stream?.dropConnections(code),
    stallConnections: () => stream?.stallConnections(),
    setRateLimit(policy) {
      limiter = makeLimiter(validateRateLimit(policy));
    },
    setScopes(id, scopes) {
      if (!Array.isArray(scopes) || !scopes.every((s) => s === 'read' || s === 'trade')) {
        throw new KitError('client.invalid_argument', {
          message: 'setScopes: scopes must be a list of "read" and "trade"',
          hint: "Pass e.g. ['read'].",
        });
      }
      if (!auth.setScopes(id, scopes)) {
        throw new KitError('client.invalid_argument', {
          message: 'setScopes: no API key or OAuth client has this id',
          hint: 'Pass a keyId from the credentials or a clientId from the OAuth clients.',
        });
      }
    },
  };
  const snapshot = () => ledger.snapshot(auth.tokensIssued);

  const handler = createRequestHandler({
    router: new Router(restRoutes({ market, trading, ledger, now })),
    auth,
    limiter: () => limiter,
    idempotency: new IdempotencyStore(),
    ledger,
    faults: planner,
    now,
    admin: createAdminHandler({ admin, ledger: snapshot, token: adminToken }),
    maxBodyBytes: 64 * 1024,
  });

  const tls = settings.tls === false ? undefined : loadTlsFixture(settings.tls);
  const server: HttpServer | HttpsServer =
    tls === undefined
      ? createHttpServer({ keepAliveTimeout: 30_000 })
      : createHttpsServer({ key: tls.key, cert: tls.cert, keepAliveTimeout: 30_000 });
  server.on('request', handler);
  server.on('clientError', (_error, socket) => socket.destroy());
  stream = attachStream({
    server,
    market,
    orders: trading,
    auth,
    ledger,
    random: createSeededRandom(streamSeed(settings.seed, 2)),
    faults: () => faults.ws ?? {},
    now,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    pingIntervalMs: 10_000,
    slowConsumerBytes: settings.slowConsumerBytes,
  });

  const shutdown = () => {
    handler.close();
    trading.close();
    market.close();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    shutdown();
    await stream?.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new KitError('config.invalid', {
      message: `startSandboxBroker: cannot listen on ${settings.host}:${settings.port} (${code ?? String(error)})`,
      hint:
        code === 'EADDRINUSE'
          ? 'The port is taken: pick another port, or 0 for any free one.'
          : 'Check host and port.',
      cause: error,
    });
  }
  const { port } = server.address() as AddressInfo;
  const base = `${tls === undefined ? 'http' : 'https'}://${hostForUrl(settings.host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: base,
    wsUrl: `${tls === undefined ? 'ws' : 'wss'}${base.slice(base.indexOf(':'))}/v1/stream`,
    port,
    admin,
    ledger: snapshot,
    adminToken,
    caCertPem: tls?.caCertPem,
    close() {
      closing ??= (async () => {
        shutdown();
        await stream?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
