/** A query value: scalars are converted with `String()`, arrays repeat the key, undefined/null are skipped. */
export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | ReadonlyArray<string | number | boolean>;

/** A query as given: an object (key order kept), or explicit pairs. */
export type QueryInput = Readonly<Record<string, QueryValue>> | ReadonlyArray<readonly [string, string]>;

/**
 * Turns a query object into ordered pairs: keys in the order given (insertion order, never sorted,
 * because venues sign the string exactly as sent), arrays as repeated keys (`a=1&a=2`), `undefined`
 * and `null` left out, numbers and booleans through `String()`.
 *
 * @example
 * ```ts
 * toQueryPairs({ symbol: 'BTCUSDT', ids: [1, 2], skip: undefined }); // [['symbol','BTCUSDT'],['ids','1'],['ids','2']]
 * ```
 */
export function toQueryPairs(query: QueryInput | undefined): Array<[string, string]> {
  if (query === undefined) return [];
  if (Array.isArray(query))
    return (query as ReadonlyArray<readonly [string, string]>).map(([k, v]) => [k, v]);
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(query as Readonly<Record<string, QueryValue>>)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) pairs.push([key, String(item)]);
    else pairs.push([key, String(value)]);
  }
  return pairs;
}
