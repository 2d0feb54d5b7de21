import { readProp, readString } from './safe-text';

/** One schema problem, safe to log: where, what was expected and the type received, never the value. */
export interface SchemaIssueSummary {
  /** Dotted path into the data (`orders.0.price`), `$` for the root. */
  path: string;
  /** What the schema expected (`number`, `("buy" | "sell")`, `>=5`), as the validator describes it. */
  expected?: string;
  /** The JavaScript type that was received (`string`, `null`, `array`, …), never the value itself. */
  receivedType: string;
  /** The validator's check that failed (`number`, `min_length`, …). */
  check?: string;
}

const MAX_ISSUES = 50;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return typeof value;
}

/**
 * The keys along a validator issue's path (valibot's `{ key }` items, or Standard Schema's keys),
 * as text safe to print: numbers and strings (cut to 64 characters) as they are, any other key
 * (a Map key can be anything, including a secret) as `?`. Empty for an issue at the root.
 */
export function schemaIssueSegments(issue: unknown): string[] {
  const path = readProp(issue, 'path');
  if (!Array.isArray(path)) return [];
  return path.map((item: unknown) => {
    const key = typeof item === 'object' && item !== null ? readProp(item, 'key') : item;
    if (typeof key === 'number') return String(key);
    if (typeof key === 'string') return key.length > 64 ? `${key.slice(0, 63)}…` : key;
    return '?';
  });
}

/** The dotted path of a validator issue (`orders.0.price`), `$` at the root; see {@link schemaIssueSegments}. */
export function schemaIssuePath(issue: unknown): string {
  const segments = schemaIssueSegments(issue);
  return segments.length === 0 ? '$' : segments.join('.');
}

/**
 * Summarises validator issues (valibot's `issues`, or any Standard Schema issue list) for
 * `KitError.details`: path, expected and received type, at most 50. The received values and the
 * validators' messages (which quote them) are deliberately dropped: they may be secrets.
 */
export function summariseSchemaIssues(issues: readonly unknown[]): SchemaIssueSummary[] {
  return issues.slice(0, MAX_ISSUES).map((issue) => {
    const hasInput = typeof issue === 'object' && issue !== null && 'input' in issue;
    const summary: SchemaIssueSummary = {
      path: schemaIssuePath(issue),
      receivedType: hasInput ? typeName(readProp(issue, 'input')) : 'unknown',
    };
    const expected = readString(issue, 'expected');
    if (expected !== undefined)
      summary.expected = expected.length > 120 ? `${expected.slice(0, 119)}…` : expected;
    const check = readString(issue, 'type');
    if (check !== undefined) summary.check = check;
    return summary;
  });
}

/** Whether `error` is a valibot `ValiError` (checked by shape: valibot is never imported). */
export function isValiError(error: unknown): error is Error & { issues: unknown[] } {
  return error instanceof Error && error.name === 'ValiError' && Array.isArray(readProp(error, 'issues'));
}
