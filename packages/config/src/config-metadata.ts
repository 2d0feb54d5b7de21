import type { ErrorCode } from '@kit/errors';
import * as v from 'valibot';

/** What a kit schema helper marks on its schema, read back by {@link readConfigMetadata}. */
export interface ConfigMetadata {
  /** The helper that built the schema, which decides env coercion and how values are shown. */
  kind?: 'duration' | 'url' | 'secret';
  /** A label for `describeConfig` and error messages, e.g. `https URL`. */
  typeLabel?: string;
  /** The value may come from one source only (see `singleSource`). */
  singleSource?: boolean;
}

const METADATA_KEY = 'kit.config';

/** A valibot metadata action carrying kit's config markers. */
export function configMetadata<TInput>(metadata: ConfigMetadata) {
  return v.metadata<TInput, Record<string, ConfigMetadata>>({ [METADATA_KEY]: metadata });
}

interface SchemaLike {
  readonly kind?: unknown;
  readonly type?: unknown;
  readonly pipe?: readonly unknown[];
}

/** Merges every kit marker found in a schema's pipe, including pipes nested in the pipe's root schema. */
export function readConfigMetadata(schema: unknown, depth = 0): ConfigMetadata {
  const pipe = (schema as SchemaLike | undefined)?.pipe;
  if (!Array.isArray(pipe) || depth > 8) return {};
  let merged: ConfigMetadata = {};
  for (const item of pipe as readonly SchemaLike[]) {
    if (item === schema) continue;
    if (item.type === 'metadata') {
      const found = (item as { metadata?: Record<string, unknown> }).metadata?.[METADATA_KEY];
      if (found) merged = { ...merged, ...(found as ConfigMetadata) };
    } else if (item.kind === 'schema') {
      merged = { ...readConfigMetadata(item, depth + 1), ...merged };
    }
  }
  return merged;
}

/** What a failed kit check means: the catalogue code, what was expected and a hint. */
export interface CheckMeaning {
  code: ErrorCode;
  expected: string;
  hint: string;
}

// valibot copies a check's requirement function onto its issue, so the function identifies the check.
const CHECK_MEANINGS = new WeakMap<(...args: never[]) => unknown, CheckMeaning>();

/** A valibot `check` whose failures become a config problem with this code, expectation and hint. */
export function configCheck<T>(requirement: (input: T) => boolean, meaning: CheckMeaning) {
  CHECK_MEANINGS.set(requirement, meaning);
  return v.check(requirement, meaning.expected);
}

/** The meaning registered for a valibot issue's requirement, if it came from {@link configCheck}. */
export function checkMeaningOf(requirement: unknown): CheckMeaning | undefined {
  return typeof requirement === 'function' ? CHECK_MEANINGS.get(requirement as () => unknown) : undefined;
}
