import type { AuthRequest } from './auth-strategy';

/**
 * Returns a copy of `headers` with `name` set to `value`, removing any header of the same name in
 * another case so the request never carries two of them.
 */
export function withHeader(
  headers: Record<string, string>,
  name: string,
  value: string,
): Record<string, string> {
  const lower = name.toLowerCase();
  const next: Record<string, string> = {};
  // for...in over own keys: no entry arrays per header (this runs on every attempt).
  for (const key in headers) {
    if (Object.hasOwn(headers, key) && key.toLowerCase() !== lower) next[key] = headers[key] as string;
  }
  next[name] = value;
  return next;
}

/** Reads a header case-insensitively. */
export function readHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/** A copy of `query` without the parameters named in `names`. */
export function withoutQuery(query: AuthRequest['query'], names: readonly string[]): Array<[string, string]> {
  return query.filter(([key]) => !names.includes(key)).map(([key, value]) => [key, value]);
}

/** A shallow copy of the request (headers and query copied), so strategies never mutate their input. */
export function copyRequest(request: AuthRequest): AuthRequest {
  return { ...request, headers: { ...request.headers }, query: request.query.map(([k, v]) => [k, v]) };
}
