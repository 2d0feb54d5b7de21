// Tests that need Redis follow the repository's convention (as @kit/retry's do): without REDIS_URL
// they are skipped, with the reason in their name; under CI (`CI` set) a missing REDIS_URL is a
// failure, since `.ci/run` starts redis-server and exports it.
export const REDIS_URL = process.env.REDIS_URL;

if (!REDIS_URL && process.env.CI) {
  throw new Error('REDIS_URL must be set when CI is set: the multi-process tests cannot be skipped in CI');
}

/** Suffix for describe names explaining a skip. */
export const REDIS_SKIP_REASON = REDIS_URL
  ? ''
  : ' (skipped: REDIS_URL is unset; start redis-server and export REDIS_URL)';

/** A unique Redis key per test, so reruns and parallel runs never share a bucket or a token. */
export function uniqueKey(label: string): string {
  return `mp-${label}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Prints a test's figures (they go into the report; the assertions are separate). */
export function printFigures(title: string, figures: Record<string, unknown>): void {
  const body = Object.entries(figures)
    .map(
      ([name, value]) =>
        `  ${name}: ${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(3) : JSON.stringify(value)}`,
    )
    .join('\n');
  process.stdout.write(`\n[figures] ${title}\n${body}\n`);
}
