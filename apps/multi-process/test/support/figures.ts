import type { WorkerReport } from './worker-protocol';

/** The most events in any window of `windowMs` (sliding over the sorted times). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while ((sorted[to] as number) - (sorted[from] as number) >= windowMs) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

/** Totals over every worker's report. */
export function totals(reports: readonly WorkerReport[]) {
  const calls = reports.flatMap((r) => r.calls);
  const answers = reports.flatMap((r) => r.answers);
  const start = Math.min(...calls.map((c) => c.start));
  const end = Math.max(...calls.map((c) => c.end));
  return {
    calls: calls.length,
    succeeded: calls.filter((c) => c.ok).length,
    failed: calls.filter((c) => !c.ok).map((c) => `${c.code} (${c.status ?? '-'}) after ${c.attempts}`),
    answers: answers.length,
    answered429: answers.filter((a) => a.status === 429).length,
    maxAttempts: Math.max(0, ...calls.map((c) => c.attempts)),
    spanMs: end - start,
    /** Successful calls per second over the whole run. */
    ratePerSecond: (calls.filter((c) => c.ok).length / Math.max(1, end - start)) * 1000,
    tokenRequests: reports.reduce((sum, r) => sum + r.tokenRequests.length, 0),
    tokenLeaks: reports.reduce((sum, r) => sum + r.tokenLeaks, 0),
  };
}
