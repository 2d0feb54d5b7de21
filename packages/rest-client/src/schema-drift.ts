import { schemaIssueSegments } from '@kit/errors/internal';
import type { BaseIssue, GenericSchema } from 'valibot';

/** One difference between a response and its schema. */
export interface SchemaDriftEntry {
  /** `added`: a field the schema does not know; `missing`: a required field is absent; `retyped`: wrong type; `invalid`: a check failed. */
  kind: 'added' | 'missing' | 'retyped' | 'invalid';
  /** Dotted path with array indexes, e.g. `items.0.price` (`''` for the root). */
  path: string;
  /** What the schema expected (absent for `added`). */
  expected?: string;
  /** The type that arrived (`string`, `number`, `null`, `array`, `undefined`, …), never the value: responses can hold tokens. */
  received?: string;
}

/** Most added fields reported for one response, so a huge unexpected payload stays cheap. */
const MAX_ADDED = 50;

interface SchemaNode {
  type?: string;
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  wrapped?: SchemaNode;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(prefix: string, key: string | number): string {
  return prefix === '' ? String(key) : `${prefix}.${key}`;
}

function walkAdded(
  schema: SchemaNode | undefined,
  value: unknown,
  path: string,
  out: SchemaDriftEntry[],
  depth: number,
): void {
  if (!schema || out.length >= MAX_ADDED || depth > 32) return;
  if (schema.wrapped) {
    walkAdded(schema.wrapped, value, path, out, depth + 1);
    return;
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    for (let i = 0; i < value.length && out.length < MAX_ADDED; i++)
      walkAdded(schema.item, value[i], join(path, i), out, depth + 1);
    return;
  }
  // Loose objects accept unknown keys by design, so only plain and strict objects report them.
  if ((schema.type === 'object' || schema.type === 'strict_object') && schema.entries && isRecord(value)) {
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(schema.entries, key)) {
        out.push({ kind: 'added', path: join(path, key) });
        if (out.length >= MAX_ADDED) return;
      } else walkAdded(schema.entries[key], value[key], join(path, key), out, depth + 1);
    }
  }
}

/** Fields present in `value` that an object schema does not declare (plain and strict objects only). */
export function findAddedFields(schema: GenericSchema, value: unknown): SchemaDriftEntry[] {
  const out: SchemaDriftEntry[] = [];
  walkAdded(schema as unknown as SchemaNode, value, '', out, 0);
  return out;
}

/** The dotted path of a valibot issue (`items.0.price`, `''` at the root), keys printed safely. */
function issuePath(issue: BaseIssue<unknown>): string {
  return schemaIssueSegments(issue).join('.');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Valibot issues as drift entries: missing, retyped or invalid, with expected and received. */
export function issuesToDrift(issues: readonly BaseIssue<unknown>[]): SchemaDriftEntry[] {
  return issues.map((issue) => {
    const kind: SchemaDriftEntry['kind'] =
      issue.kind !== 'schema' ? 'invalid' : issue.received === 'undefined' ? 'missing' : 'retyped';
    const entry: SchemaDriftEntry = { kind, path: issuePath(issue), received: typeName(issue.input) };
    if (issue.expected !== null) entry.expected = issue.expected;
    return entry;
  });
}

/** The path with array indexes folded (`items.[].price`), so drift is reported once per field, not per element. */
export function fieldKey(path: string): string {
  return path.replace(/(^|\.)\d+(?=\.|$)/g, '$1[]');
}
