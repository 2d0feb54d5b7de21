import { docsSlugFor, ERROR_CATALOGUE, type ErrorCategory, type ErrorCode } from './catalogue';

/** One catalogue row flattened for scripts (docs generators, dashboards, alert rules). */
export interface CatalogueRow {
  /** The stable dotted code. */
  code: ErrorCode;
  /** The broad family. */
  category: ErrorCategory;
  /** Whether kit retries it (where method and idempotency rules allow). */
  retryable: boolean;
  /** The short title (the default message). */
  title: string;
  /** One sentence a customer can act on. */
  hint: string;
  /** The troubleshooting page: `docs/troubleshooting/<docsSlug>.md`. */
  docsSlug: string;
}

/**
 * Every catalogue entry as a flat row, in catalogue order: a script-friendly view of
 * {@link ERROR_CATALOGUE} for the docs generator and anyone building tables from it.
 */
export function catalogueEntries(): CatalogueRow[] {
  return (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).map((code) => {
    const entry = ERROR_CATALOGUE[code];
    return {
      code,
      category: entry.category,
      retryable: entry.retryable,
      title: entry.title,
      hint: entry.hint,
      docsSlug: docsSlugFor(code),
    };
  });
}
