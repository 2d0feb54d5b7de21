import { formatCount, formatMs, renderTable } from '../io/table';
import type { Styles } from '../io/terminal';
import type { SessionResult } from './run-session';

/** The invariants `start` exits 0 on. */
export interface Invariants {
  readonly noDuplicateOrder: boolean;
  readonly noLostOrderEvent: boolean;
  readonly bookMatchesSnapshot: boolean;
}

/** The summary as one JSON-ready object (`--json`, and the source of the table). */
export interface SessionSummary {
  readonly command: 'start';
  readonly target: { readonly kind: 'embedded' | 'remote'; readonly baseUrl: string };
  readonly profile: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly elapsedMs: number;
  readonly interrupted: boolean;
  readonly adminAccess: 'embedded' | 'http' | 'none';
  readonly clock: SessionResult['clock'] | null;
  readonly account: SessionResult['account'] | null;
  readonly requests: number;
  readonly retries: number;
  readonly rateLimitWaits: number;
  readonly rateLimitWaitMs: number;
  readonly reconnects: number;
  readonly gaps: number;
  readonly gapsResynced: number;
  readonly checksumMismatchesRepaired: number;
  readonly orders: {
    readonly attempted: number;
    readonly placed: number;
    readonly cancelled: number;
    readonly reconciled: number;
    readonly unknown: number;
    readonly rejected: number;
    /** The final reconcile(): unknown outcomes found at the broker, never created, still undecided. */
    readonly finalReconcile: SessionResult['reconciled'];
  };
  readonly duplicateOrders: number;
  readonly duplicateSource: 'ledger' | 'orders';
  readonly orderEvents: SessionResult['events'];
  readonly book: SessionResult['book'];
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly faultsInjected: Readonly<Record<string, number>>;
  readonly serverRequests: number | null;
  readonly steps: SessionResult['steps'];
  readonly problems: readonly string[];
  readonly invariants: Invariants;
  readonly ok: boolean;
}

/** Builds the summary: figures from the adapter's stats and the sandbox's ledger, invariants checked. */
export function buildSummary(
  result: SessionResult,
  context: {
    target: SessionSummary['target'];
    profile: string;
    seed: number;
    durationMs: number;
    adminAccess: SessionSummary['adminAccess'];
  },
): SessionSummary {
  const { stats, state } = result;
  const errors: Record<string, number> = { ...stats.errorsByCode };
  for (const [code, count] of state.errors) errors[code] = Math.max(errors[code] ?? 0, count);
  const invariants: Invariants = {
    noDuplicateOrder: result.duplicates.count === 0,
    noLostOrderEvent:
      result.events.lost.length === 0 && result.events.duplicates === 0 && result.events.expected > 0,
    bookMatchesSnapshot: result.book.equal,
  };
  return {
    command: 'start',
    target: context.target,
    profile: context.profile,
    seed: context.seed,
    durationMs: context.durationMs,
    elapsedMs: Math.round(result.elapsedMs),
    interrupted: result.interrupted,
    adminAccess: context.adminAccess,
    clock: result.clock ?? null,
    account: result.account ?? null,
    requests: stats.requests,
    retries: stats.retries,
    rateLimitWaits: stats.rateLimitWaits,
    rateLimitWaitMs: Math.round(stats.rateLimitWaitMs),
    reconnects: stats.reconnects,
    gaps: stats.gaps,
    gapsResynced: stats.resyncs,
    checksumMismatchesRepaired: stats.checksumMismatches,
    orders: {
      attempted: state.orders.attempted,
      placed: state.orders.placed,
      cancelled: state.orders.cancelled,
      reconciled: Math.max(stats.ordersReconciled, state.orders.reconciled),
      unknown: state.orders.unknown,
      rejected: state.orders.rejected,
      finalReconcile: result.reconciled,
    },
    duplicateOrders: result.duplicates.count,
    duplicateSource: result.duplicates.source,
    orderEvents: result.events,
    book: result.book,
    errorsByCode: Object.fromEntries(Object.entries(errors).sort(([, a], [, b]) => b - a)),
    faultsInjected: Object.fromEntries(
      Object.entries(result.ledger?.counts.faultsByKind ?? {}).sort(([, a], [, b]) => b - a),
    ),
    serverRequests: result.ledger?.counts.requests ?? null,
    steps: result.steps,
    problems: result.problems,
    invariants,
    ok:
      invariants.noDuplicateOrder &&
      invariants.noLostOrderEvent &&
      invariants.bookMatchesSnapshot &&
      !result.interrupted,
  };
}

function list(record: Readonly<Record<string, number>>, maxChars = 72): string {
  const entries = Object.entries(record);
  if (entries.length === 0) return 'none';
  // As many as fit on one line of a 120-column terminal; --json has them all.
  let text = '';
  let shown = 0;
  for (const [code, count] of entries) {
    const next = `${text === '' ? '' : `${text}, `}${code} ${count}`;
    const more = entries.length - shown - 1 > 0 ? `, +${entries.length - shown - 1} more` : '';
    if (shown > 0 && next.length + more.length > maxChars) break;
    text = next;
    shown += 1;
  }
  return shown < entries.length ? `${text}, +${entries.length - shown} more` : text;
}

/** The summary table and the invariant lines, as printed. */
export function renderSummary(summary: SessionSummary, styles: Styles): string[] {
  const o = summary.orders;
  const events = summary.orderEvents;
  const rows: string[][] = [
    [
      'REST requests',
      formatCount(summary.requests),
      summary.serverRequests === null ? '' : `the sandbox served ${formatCount(summary.serverRequests)}`,
    ],
    ['retries', formatCount(summary.retries), ''],
    [
      'rate-limit waits',
      formatCount(summary.rateLimitWaits),
      `total wait ${formatMs(summary.rateLimitWaitMs)}`,
    ],
    ['WebSocket reconnects', formatCount(summary.reconnects), ''],
    [
      'gaps resynced',
      formatCount(summary.gapsResynced),
      `book resyncs (gaps, reconnects, checksums); ${summary.gaps} gaps on all streams`,
    ],
    ['checksum mismatches repaired', formatCount(summary.checksumMismatchesRepaired), ''],
    [
      'orders placed',
      formatCount(o.placed),
      `${o.cancelled} cancelled, ${o.rejected} rejected, ${o.attempted} attempted`,
    ],
    [
      'orders reconciled',
      formatCount(o.reconciled),
      'unknown outcomes found by client order id, never placed again',
    ],
    [
      'left unknown',
      formatCount(o.unknown),
      `final reconcile(): ${o.finalReconcile.found} found, ${o.finalReconcile.notFound} never created, ${o.finalReconcile.unresolved} unresolved`,
    ],
    [
      styles.bold('duplicate orders'),
      styles.bold(String(summary.duplicateOrders)),
      summary.duplicateSource === 'ledger'
        ? "from the sandbox's ledger"
        : "from the API's order list (no ledger access)",
    ],
    [
      'order events',
      `${events.received}/${events.expected}`,
      `${events.lost.length} lost, ${events.duplicates} duplicated`,
    ],
    ['book vs fresh snapshot', summary.book.equal ? 'equal' : 'DIFFERENT', summary.book.detail],
    [
      'errors by code',
      String(Object.values(summary.errorsByCode).reduce((a, b) => a + b, 0)),
      list(summary.errorsByCode),
    ],
    [
      'faults injected',
      String(Object.values(summary.faultsInjected).reduce((a, b) => a + b, 0)),
      list(summary.faultsInjected),
    ],
  ];
  const mark = (ok: boolean) => (ok ? styles.green('✔') : styles.red('✖'));
  const { invariants } = summary;
  const lines = [
    styles.bold('Summary'),
    ...renderTable(rows, { alignRight: [1] }),
    '',
    ` ${mark(invariants.noDuplicateOrder)} no duplicate order`,
    ` ${mark(invariants.noLostOrderEvent)} no lost order event`,
    ` ${mark(invariants.bookMatchesSnapshot)} book equal to a fresh snapshot`,
  ];
  for (const problem of summary.problems) lines.push(styles.yellow(`   ! ${problem}`));
  const replay =
    summary.target.kind === 'embedded'
      ? `replay: npm start -- --profile ${summary.profile} --seed ${summary.seed}`
      : `replay: npm start -- --target ${summary.target.baseUrl} --seed ${summary.seed}`;
  lines.push(
    '',
    summary.ok
      ? `${styles.green('Invariants met.')} ${formatMs(summary.elapsedMs)}, seed ${summary.seed} (${replay})`
      : `${styles.red(summary.interrupted ? 'Interrupted.' : 'Invariants NOT met.')} seed ${summary.seed} (${replay})`,
  );
  return lines;
}
