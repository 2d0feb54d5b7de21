import { docsSlugFor, type ErrorCode, type KitError } from '@kit/errors';

/** The checks, in the order they run. */
export const CHECK_IDS = [
  'config',
  'dns',
  'tcp',
  'tls',
  'http',
  'clock',
  'credentials',
  'permissions',
  'rate_limit',
  'ws_handshake',
  'ws_login',
  'ws_heartbeat',
  'ws_subscription',
] as const;

/** A check's id. */
export type CheckId = (typeof CHECK_IDS)[number];

/** Titles as shown on screen. */
export const CHECK_TITLES: Readonly<Record<CheckId, string>> = {
  config: 'Config valid',
  dns: 'DNS lookup',
  tcp: 'TCP connect',
  tls: 'TLS handshake and certificate',
  http: 'HTTP reachable',
  clock: 'Clock skew vs signing window',
  credentials: 'Credentials (signed call)',
  permissions: 'Permissions',
  rate_limit: 'Rate-limit headroom',
  ws_handshake: 'WebSocket handshake',
  ws_login: 'WebSocket login',
  ws_heartbeat: 'First heartbeat',
  ws_subscription: "Subscription's first message",
};

/** `pass`, `warn` (works, but look at it), `fail`, or `skip` (a prerequisite failed, or not applicable). */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** What went wrong, in the catalogue's terms. */
export interface CheckProblem {
  /** The catalogue code. */
  readonly code: ErrorCode;
  /** What happened, for people (no secrets). */
  readonly message: string;
  /** One sentence that says what to do. */
  readonly hint: string;
  /** The troubleshooting page, relative to the repository root. */
  readonly docs: string;
}

/** One line of the doctor's report. */
export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  /** The measured figure or finding, e.g. `127.0.0.1 in 2 ms`. */
  readonly summary: string;
  /** Wall time of the check, in milliseconds (absent for skipped checks). */
  readonly durationMs?: number;
  /** Per-phase timings in milliseconds (`dnsMs`, `connectMs`, `tlsMs`, `firstByteMs`, …). */
  readonly timings?: Readonly<Record<string, number>>;
  /** The problem, for `fail` and `warn`. */
  readonly problem?: CheckProblem;
  /** Lines under the check (every config problem, the certificate's subject and dates, …). */
  readonly details?: readonly string[];
  /** For skipped checks: the check that failed first, or why it does not apply. */
  readonly skippedBecause?: string;
  /** Skipped because it does not apply (TLS on plain http); dependents may run. */
  readonly notApplicable?: boolean;
}

/** The troubleshooting page of a code, as a repository path. */
function docsPath(code: ErrorCode): string {
  return `docs/troubleshooting/${docsSlugFor(code)}.md`;
}

/** A problem from a code, a message and a hint (the catalogue's hint when none is given). */
export function problemOf(code: ErrorCode, message: string, hint: string): CheckProblem {
  return { code, message, hint, docs: docsPath(code) };
}

/** A problem from a KitError, with an optional more specific hint. */
export function problemFromError(error: KitError, hint?: string): CheckProblem {
  return problemOf(error.code, error.message, hint ?? error.hint);
}

/** Exit code of a report: 0 all passed, 1 a check failed, 2 only warnings. */
export function exitCodeOf(results: readonly CheckResult[]): 0 | 1 | 2 {
  if (results.some((result) => result.status === 'fail')) return 1;
  if (results.some((result) => result.status === 'warn')) return 2;
  return 0;
}
