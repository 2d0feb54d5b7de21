/**
 * Percent-encodes one query key or value the way kit sends it: `encodeURIComponent`, which is
 * UTF-8 with upper-case hex (`%EF%BC%91`), spaces as `%20`, and leaves `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
 */
export function encodeQueryComponent(value: string): string {
  return encodeURIComponent(value);
}

/**
 * Serialises query pairs in order, exactly as signing strategies sign them: `k=v&k2=v2`, no leading
 * `?`. HTTP clients must build the URL with this same function, or signatures will not match.
 *
 * @example
 * ```ts
 * formatQuery([['symbol', 'LTCBTC'], ['side', 'BUY']]); // 'symbol=LTCBTC&side=BUY'
 * ```
 */
export function formatQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query.map(([key, value]) => `${encodeQueryComponent(key)}=${encodeQueryComponent(value)}`).join('&');
}
