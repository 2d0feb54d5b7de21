import { KitError } from '@kit/errors';
import type { BaseUrl } from './base-url';
import { toQueryPairs } from './query-string';
import type { RestRequestOptions, RestResponse } from './rest-request';

/** Cursor pagination: the cursor from each page goes into a query parameter of the next request. */
export interface CursorPagination<T> {
  /** The query parameter that carries the cursor (`cursor`, `after`, `fromId`). */
  param: string;
  /** Reads the next cursor from a page; `undefined`, `null` or `''` ends the iteration. */
  next: (page: RestResponse<T>) => string | number | null | undefined;
}

/** Options for `client.paginate()`. Give exactly one of `cursor` and `link`. */
export interface PaginateOptions<T> {
  /** Cursor pagination. @default none */
  cursor?: CursorPagination<T>;
  /** Follow RFC 8288 `Link: <…>; rel="next"` headers (same origin and base path only). @default false */
  link?: boolean;
  /** Most pages fetched; the iteration ends quietly after that many. @default 100 */
  maxPages?: number;
  /** Cancels the iteration, including a page in flight. @default none */
  signal?: AbortSignal;
}

/** Defaults of {@link PaginateOptions}. */
export const DEFAULT_PAGINATE_OPTIONS = {
  maxPages: 100,
  link: false,
} as const satisfies PaginateOptions<unknown>;

/** Where a `rel="next"` link points, relative to the client's base URL. */
export interface NextLink {
  /** Path below the base URL. */
  path: string;
  /** The link's query pairs. */
  query: Array<[string, string]>;
}

/** The `rel="next"` target of a `Link` header, if any. */
export function findNextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const match of header.matchAll(/<([^>]*)>\s*((?:;[^,;]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]*)"?/i.exec(match[2] ?? '');
    if (rel && (rel[1] ?? '').toLowerCase().split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

/**
 * Maps a `rel="next"` target onto the client's base URL: a relative link is resolved against it,
 * and a link to another origin, or outside the base path, is refused (`client.invalid_argument`),
 * since following it would send the client's credentials to another host.
 */
function resolveNextLink(href: string, base: BaseUrl): NextLink {
  let target: URL;
  try {
    target = new URL(href, base.href);
  } catch (cause) {
    throw new KitError('client.invalid_argument', {
      message: 'The Link header holds an invalid URL',
      cause,
    });
  }
  if (target.origin !== base.origin || !target.pathname.startsWith(base.path)) {
    throw new KitError('client.invalid_argument', {
      message: 'The next-page link points outside the base URL; refusing to follow it',
      details: { origin: target.origin },
      outcome: 'not_sent',
    });
  }
  return { path: target.pathname.slice(base.path.length) || '/', query: [...target.searchParams] };
}

/**
 * Iterates pages: each page is one full client call (limiter, auth, retries and schema included),
 * the caller's signal is passed to every page and checked between pages, and at most `maxPages`
 * pages are fetched.
 *
 * @param send - sends one page (the client's `request`).
 * @param base - the client's base URL, which `Link` targets must stay under.
 */
export async function* paginatePages<T>(
  send: (options: RestRequestOptions) => Promise<RestResponse<T>>,
  first: RestRequestOptions,
  options: PaginateOptions<T>,
  base: BaseUrl,
): AsyncGenerator<RestResponse<T>, void, undefined> {
  const { cursor, signal } = options;
  const link = options.link ?? DEFAULT_PAGINATE_OPTIONS.link;
  const maxPages = options.maxPages ?? DEFAULT_PAGINATE_OPTIONS.maxPages;
  if ((cursor === undefined) === (link === false)) {
    throw new KitError('client.invalid_argument', {
      message: 'paginate() needs exactly one of `cursor` and `link`',
      method: first.method,
      path: first.path,
      outcome: 'not_sent',
    });
  }
  let request: RestRequestOptions = { ...first, signal: signal ?? first.signal };
  for (let page = 0; page < maxPages; page++) {
    const response = await send(request);
    yield response;
    if (cursor !== undefined) {
      const next = cursor.next(response);
      if (next === undefined || next === null || next === '') return;
      const query = toQueryPairs(request.query).filter(([key]) => key !== cursor.param);
      query.push([cursor.param, String(next)]);
      request = { ...request, query };
    } else {
      const href = findNextLink(response.headers.link);
      if (href === undefined) return;
      const target = resolveNextLink(href, base);
      request = { ...request, path: target.path, params: {}, query: target.query };
    }
  }
}
