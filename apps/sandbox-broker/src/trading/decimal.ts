// Fixed-point decimals on bigint with 8 places: money and quantities never go through floats, so
// "100000.00" minus fills is exact and replays to the same cent.

/** 10^8: one unit in fixed-point. */
export const ONE = 100_000_000n;
const DECIMAL = /^(\d{1,15})(?:\.(\d{1,8}))?$/;

/** Parses a non-negative decimal string with at most 8 places (`"10"`, `"0.5"`); undefined when not one. */
export function parseDecimal(text: string): bigint | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const fraction = (match[2] ?? '').padEnd(8, '0');
  return BigInt(match[1]!) * ONE + BigInt(fraction);
}

/** `a * b` for two fixed-point values, rounded half up. */
export function multiply(a: bigint, b: bigint): bigint {
  const product = a * b;
  const half = ONE / 2n;
  return product >= 0n ? (product + half) / ONE : -((-product + half) / ONE);
}

/** Rounds a fixed-point value to `places` decimals, half up (away from zero). */
export function roundTo(value: bigint, places: number): bigint {
  const step = 10n ** BigInt(8 - places);
  const half = step / 2n;
  const magnitude = value < 0n ? -value : value;
  const rounded = ((magnitude + half) / step) * step;
  return value < 0n ? -rounded : rounded;
}

/**
 * Formats a fixed-point value with at least `minPlaces` and at most 8 decimals (trailing zeros
 * beyond `minPlaces` dropped): `format(10n * ONE, 0)` is `"10"`, `format(ONE / 2n, 2)` is `"0.50"`.
 */
export function formatDecimal(value: bigint, minPlaces: number): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = magnitude / ONE;
  let fraction = (magnitude % ONE).toString().padStart(8, '0');
  let end = fraction.length;
  while (end > minPlaces && fraction[end - 1] === '0') end--;
  fraction = fraction.slice(0, end);
  const text = fraction.length > 0 ? `${whole}.${fraction}` : `${whole}`;
  return negative ? `-${text}` : text;
}

/** Money: rounded to cents, always two places. */
export function formatMoney(value: bigint): string {
  return formatDecimal(roundTo(value, 2), 2);
}
