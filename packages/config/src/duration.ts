import * as v from 'valibot';
import { configCheck, configMetadata } from './config-metadata';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;

/**
 * Parses a duration into milliseconds: `500ms`, `30s`, `2m`, `1h`, `1d`, compounds like `1m30s`,
 * or a bare number of milliseconds (`250`). Returns `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseDuration('1m30s'); // 90_000
 * ```
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let match = PART.exec(trimmed); match !== null; match = PART.exec(trimmed)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? Number.NaN);
    end = PART.lastIndex;
    while (trimmed[end] === ' ') end++;
    PART.lastIndex = end;
  }
  return end === trimmed.length && Number.isFinite(total) ? total : undefined;
}

const isDurationText = (text: string): boolean => parseDuration(text) !== undefined;

const durationCheck = configCheck(isDurationText, {
  code: 'config.invalid',
  expected: 'a duration like 500ms, 30s, 2m, 1h or a number of milliseconds',
  hint: 'Write a number with a unit (ms, s, m, h, d), e.g. 30s or 1m30s; a bare number means milliseconds.',
});

/**
 * A duration setting, output in milliseconds. Accepts a non-negative number of milliseconds or a
 * string such as `30s` (see {@link parseDuration}) from the file, the environment or overrides.
 * Add bounds in milliseconds with a pipe: `v.pipe(duration(), v.minValue(100))`.
 *
 * @example
 * ```ts
 * const schema = v.object({ timeoutMs: v.optional(duration(), '30s') });
 * ```
 */
export function duration() {
  return v.pipe(
    v.union([v.pipe(v.number(), v.finite(), v.minValue(0)), v.pipe(v.string(), durationCheck)]),
    v.transform((value: number | string): number =>
      typeof value === 'number' ? value : (parseDuration(value) ?? 0),
    ),
    configMetadata<number>({ kind: 'duration', typeLabel: 'duration (ms)' }),
  );
}
