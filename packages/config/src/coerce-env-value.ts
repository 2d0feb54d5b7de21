import type { FieldKind } from './schema-fields';

/** The result of coercing one environment string. */
export type CoerceResult = { ok: true; value: unknown } | { ok: false; expected: string; hint: string };

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** Whether a string is wrapped in matching quotes (kept literally by many env-file readers). */
export function hasWrappingQuotes(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length >= 2 && /^(["'`]).*\1$/s.test(trimmed);
}

function quoteHint(text: string, fallback: string): string {
  return hasWrappingQuotes(text)
    ? 'Remove the quotes around the value: env files read by Docker, systemd and many CI UIs keep them literally.'
    : fallback;
}

function coerceScalar(kind: FieldKind, raw: string): CoerceResult {
  const text = raw.trim();
  switch (kind) {
    case 'number':
      return NUMBER.test(text)
        ? { ok: true, value: Number(text) }
        : {
            ok: false,
            expected: 'a number',
            hint: quoteHint(raw, 'Write a plain decimal number, e.g. 3 or 2.5.'),
          };
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return {
        ok: false,
        expected: 'a boolean (true/false, 1/0, yes/no, on/off)',
        hint: quoteHint(raw, 'Write true or false (1/0 and yes/no work too).'),
      };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return {
          ok: false,
          expected: 'a JSON value',
          hint: 'Write the value as JSON, e.g. {"key":"value"}; quote it for the shell with single quotes.',
        };
      }
    case 'any':
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: true, value: raw };
      }
    default:
      // strings, URLs, durations, secrets and enums are checked by their schemas, which give better hints.
      return { ok: true, value: raw };
  }
}

/**
 * Turns an environment string into the type a setting expects: numbers, booleans
 * (`true/false/1/0/yes/no/on/off`), lists (comma-separated, or a JSON array), JSON for objects and
 * records. Strings, URLs, durations, enums and secrets pass through for their schemas to check.
 */
export function coerceEnvValue(kind: FieldKind, raw: string, itemKind: FieldKind = 'string'): CoerceResult {
  if (kind === 'list') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      const parsed = coerceScalar('json', text);
      return parsed.ok && !Array.isArray(parsed.value)
        ? { ok: false, expected: 'a comma-separated list or a JSON array', hint: 'Write a,b,c or ["a","b"].' }
        : parsed;
    }
    const items = text === '' ? [] : text.split(',').map((item) => item.trim());
    const values: unknown[] = [];
    for (const item of items) {
      if (item === '') continue;
      const coerced = coerceScalar(itemKind, item);
      if (!coerced.ok) {
        return { ok: false, expected: `a comma-separated list of ${coerced.expected}s`, hint: coerced.hint };
      }
      values.push(coerced.value);
    }
    return { ok: true, value: values };
  }
  if (kind === 'object') {
    const parsed = coerceScalar('json', raw);
    if (
      parsed.ok &&
      (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value))
    ) {
      return { ok: false, expected: 'a JSON object', hint: 'Write a JSON object, e.g. {"key":"value"}.' };
    }
    return parsed;
  }
  return coerceScalar(kind, raw);
}
