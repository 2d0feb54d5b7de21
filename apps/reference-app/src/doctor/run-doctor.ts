import type { ConfigProblem } from '@kit/config';
import { type Logger, noopLogger } from '@kit/logger';
import type { ApiTarget } from '../config/api-target';
import { describeProblem } from '../config/app-config';
import {
  asKitError,
  checkClock,
  checkCredentials,
  checkPermissions,
  checkRateLimit,
  clockSample,
  createDoctorApi,
  type DoctorApi,
} from './api-checks';
import {
  CHECK_IDS,
  CHECK_TITLES,
  type CheckId,
  type CheckResult,
  exitCodeOf,
  problemFromError,
  problemOf,
} from './check-result';
import { caList, portOf, type ResolvedAddress, type Resolver, systemResolver } from './net-probes';
import { type CheckOutcome, checkDns, checkHttp, checkTcp, checkTls } from './network-checks';
import { runWsChecks, type WsCheckOutcomes } from './ws-checks';

/** Options for {@link runDoctor}. */
export interface RunDoctorOptions {
  /** The config problems, when loading failed (every later check is then skipped). @default none */
  readonly configProblems?: readonly ConfigProblem[];
  /** What the config check found, when it passed (e.g. `embedded sandbox · HMAC key …`). @default '' */
  readonly configSummary?: string;
  /** Lines under the config check (the file read, the sources). @default none */
  readonly configDetails?: readonly string[];
  /** The API to check; required when there are no config problems. @default none */
  readonly target?: ApiTarget;
  /** An extra CA certificate (PEM) to trust. @default none (the system roots) */
  readonly caPem?: string;
  /** Resolves host names (inject one in tests: nothing else is ever asked). @default the system resolver */
  readonly resolver?: Resolver;
  /** Time limit of each network check, in milliseconds. @default 5_000 */
  readonly timeoutMs?: number;
  /** The server's signing window for timestamps, in milliseconds. @default 5_000 */
  readonly recvWindowMs?: number;
  /** The symbol whose quote stream is subscribed. @default 'AAPL' */
  readonly symbol?: string;
  readonly logger?: Logger;
  /** Local clock (epoch ms) for certificate dates. @default Date.now */
  readonly now?: () => number;
  /** Called as each check completes, in order (for a live report). @default none */
  readonly onResult?: (result: CheckResult) => void;
}

/** The doctor's report. */
export interface DoctorReport {
  readonly results: readonly CheckResult[];
  /** 0 all passed, 1 a check failed, 2 only warnings. */
  readonly exitCode: 0 | 1 | 2;
  readonly durationMs: number;
  readonly counts: Readonly<Record<'pass' | 'warn' | 'fail' | 'skip', number>>;
}

const DEPENDS_ON: Readonly<Record<CheckId, readonly CheckId[]>> = {
  config: [],
  dns: ['config'],
  tcp: ['dns'],
  tls: ['tcp'],
  http: ['tls'],
  clock: ['http'],
  credentials: ['http'],
  permissions: ['credentials'],
  rate_limit: ['permissions'],
  ws_handshake: ['tls'],
  ws_login: ['ws_handshake', 'credentials'],
  ws_heartbeat: ['ws_login'],
  ws_subscription: ['ws_heartbeat'],
};

/**
 * Runs the checklist in dependency order. A check whose prerequisite failed (or was skipped
 * because of a failure) is reported as skipped, naming the check that failed first, so one root
 * cause is one failure on screen. Never throws: an unexpected error fails the check it happened in.
 */
export async function runDoctor(options: RunDoctorOptions): Promise<DoctorReport> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 5_000;
  const logger = options.logger ?? noopLogger;
  const resolver = options.resolver ?? systemResolver;
  const now = options.now ?? Date.now;
  const ca = caList(options.caPem);
  const results = new Map<CheckId, CheckResult>();
  const ordered: CheckResult[] = [];
  const dependsOn: Record<CheckId, CheckId[]> = Object.fromEntries(
    CHECK_IDS.map((id) => [id, [...DEPENDS_ON[id]]]),
  ) as Record<CheckId, CheckId[]>;
  if (options.target?.credentials.kind === 'hmac') dependsOn.credentials.push('clock');

  const blockedBy = (id: CheckId): string | undefined => {
    for (const dependency of dependsOn[id]) {
      const result = results.get(dependency);
      if (result === undefined) return CHECK_TITLES[dependency];
      if (result.status === 'fail') return result.title;
      if (result.status === 'skip' && !result.notApplicable) return result.skippedBecause ?? result.title;
    }
    return undefined;
  };
  const record = (id: CheckId, outcome: CheckOutcome, durationMs?: number): CheckResult => {
    const result: CheckResult = {
      id,
      title: CHECK_TITLES[id],
      ...outcome,
      ...(durationMs === undefined ? {} : { durationMs }),
    };
    results.set(id, result);
    ordered.push(result);
    options.onResult?.(result);
    logger.info('doctor check', { check: id, status: result.status, code: result.problem?.code, durationMs });
    return result;
  };
  const run = async (
    id: CheckId,
    check: () => Promise<CheckOutcome> | CheckOutcome,
  ): Promise<CheckResult> => {
    const blocker = blockedBy(id);
    if (blocker !== undefined) {
      return record(id, { status: 'skip', summary: `skipped: ${blocker} failed`, skippedBecause: blocker });
    }
    const checkStarted = performance.now();
    let outcome: CheckOutcome;
    try {
      outcome = await check();
    } catch (error) {
      const kit = asKitError(error);
      outcome = { status: 'fail', summary: kit.message, problem: problemFromError(kit) };
    }
    return record(id, outcome, performance.now() - checkStarted);
  };

  let api: DoctorApi | undefined;
  try {
    await run('config', () => configOutcome(options));
    const target = options.target;
    const restUrl = target ? new URL(target.restUrl) : undefined;
    let address: ResolvedAddress | undefined;
    let serverTime: number | undefined;
    let firstProbe: Awaited<ReturnType<typeof checkHttp>>['probe'];

    await run('dns', async () => {
      const outcome = await checkDns(restUrl as URL, resolver, timeoutMs);
      address = outcome.address;
      return outcome;
    });
    await run('tcp', () => checkTcp(restUrl as URL, address as ResolvedAddress, timeoutMs));
    await run('tls', () =>
      checkTls({ url: restUrl as URL, address: address as ResolvedAddress, ca, timeoutMs, now: now() }),
    );
    await run('http', async () => {
      const outcome = await checkHttp(
        (target as ApiTarget).restUrl,
        address as ResolvedAddress,
        ca,
        timeoutMs,
      );
      firstProbe = outcome.probe;
      serverTime = outcome.serverTime;
      return outcome;
    });
    await run('clock', () =>
      checkClock({
        first: clockSample(firstProbe as NonNullable<typeof firstProbe>, serverTime as number),
        restUrl: (target as ApiTarget).restUrl,
        address: address as ResolvedAddress,
        ca,
        timeoutMs,
        recvWindowMs: options.recvWindowMs ?? 5_000,
        signsTimestamps: target?.credentials.kind === 'hmac',
      }),
    );
    // The stream checks need the auth strategy even when the signed REST call was skipped (a
    // failed clock check skips it for HMAC keys), so the client is made on first use, not only there.
    const apiFor = (): DoctorApi => {
      api ??= createDoctorApi({
        target: target as ApiTarget,
        address: address as ResolvedAddress,
        ca,
        timeoutMs,
        logger,
      });
      return api;
    };
    await run('credentials', () => checkCredentials(apiFor(), target as ApiTarget));
    await run('permissions', () => checkPermissions(api as DoctorApi, target as ApiTarget));
    await run('rate_limit', () => checkRateLimit(api as DoctorApi));

    let ws: WsCheckOutcomes | undefined;
    await run('ws_handshake', async () => {
      const wsUrl = new URL((target as ApiTarget).wsUrl);
      const sameHost = wsUrl.hostname === (restUrl as URL).hostname;
      let wsAddress = address as ResolvedAddress;
      if (!sameHost) {
        const dns = await checkDns(wsUrl, resolver, timeoutMs);
        if (dns.status === 'fail' || dns.address === undefined)
          return { ...dns, summary: `stream host ${dns.summary}` };
        wsAddress = dns.address;
      }
      if (!sameHost || portOf(wsUrl) !== portOf(restUrl as URL)) {
        const tls = await checkTls({ url: wsUrl, address: wsAddress, ca, timeoutMs, now: now() });
        if (tls.status === 'fail') return { ...tls, summary: `stream host: ${tls.summary}` };
      }
      const auth = apiFor().auth;
      ws = await runWsChecks({
        wsUrl: wsUrl.toString(),
        address: wsAddress,
        ca,
        auth,
        timeoutMs,
        symbol: options.symbol ?? 'AAPL',
        logger,
      });
      return ws.handshake;
    });
    await run('ws_login', () => (ws?.login ?? notReached()) as CheckOutcome);
    await run('ws_heartbeat', () => (ws?.heartbeat ?? notReached()) as CheckOutcome);
    await run('ws_subscription', () => (ws?.subscription ?? notReached()) as CheckOutcome);
  } finally {
    api?.close();
  }

  const counts = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const result of ordered) counts[result.status] += 1;
  return { results: ordered, exitCode: exitCodeOf(ordered), durationMs: performance.now() - started, counts };
}

function notReached(): never {
  throw new Error('The WebSocket session ended before this phase');
}

function configOutcome(options: RunDoctorOptions): CheckOutcome {
  const problems = options.configProblems ?? [];
  if (problems.length === 0) {
    return {
      status: 'pass',
      summary: options.configSummary ?? '',
      ...(options.configDetails ? { details: options.configDetails } : {}),
    };
  }
  const first = problems[0] as ConfigProblem;
  const single = problems.length === 1;
  return {
    status: 'fail',
    summary: single ? describeProblem(first).what : `${problems.length} problems, all listed below`,
    details: problems.map((problem) => {
      const { what, hint } = describeProblem(problem);
      return `${problem.code}  ${what}\n    hint: ${hint}`;
    }),
    problem: problemOf(
      single ? first.code : 'config.invalid',
      single ? describeProblem(first).what : `Invalid configuration (${problems.length} problems)`,
      single
        ? first.hint
        : 'Fix each problem listed above: every line names the setting, where its value came from and a hint.',
    ),
  };
}
