/**
 * Formats a non-negative integer count of `10^-decimals` units as a fixed-decimal string
 * (`formatUnits(19012, 2)` is `'190.12'`). Integer arithmetic only, so a price never picks up a
 * binary-float tail like `190.11999999`.
 */
export function formatUnits(units: number, decimals: number): string {
  const digits = String(units);
  if (decimals === 0) return digits;
  const padded = digits.padStart(decimals + 1, '0');
  return `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}
