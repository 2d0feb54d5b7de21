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

/** What a failed {@link configCheck} means: shown in the config problem it reports. */
export interface CheckMeaning {
  /**
   * The catalogue code of the problem.
   * @default 'config.invalid'
   */
  code?: ErrorCode;
  /** What was expected, in a few words (the problem's `expected`), e.g. `apiKey with apiSecret`. */
  expected: string;
  /** How to fix it: name the settings or env vars involved. */
  hint: string;
}

// valibot copies a check's requirement function onto its issue, so the function identifies the check.
const CHECK_MEANINGS = new WeakMap<(...args: never[]) => unknown, Required<CheckMeaning>>();

/**
 * A valibot `check` whose failure becomes a config problem with this code, expectation and hint,
 * instead of valibot's generic message. Put it in a field's pipe, or in an object's pipe for a rule
 * across fields (it runs once the object's own fields are valid, and reports the object's path).
 * The requirement must be a function of its own: one function registered twice keeps the last meaning.
 *
 * @example
 * ```ts
 * const credentials = v.pipe(
 *   v.object({ apiKey: v.optional(secret()), apiSecret: v.optional(secret()) }),
 *   configCheck((c) => (c.apiKey === undefined) === (c.apiSecret === undefined), {
 *     expected: 'apiKey and apiSecret together',
 *     hint: 'Set KIT_AUTH_API_KEY and KIT_AUTH_API_SECRET, or neither.',
 *   }),
 * );
 * ```
 */
export function configCheck<T>(
  requirement: (input: T) => boolean,
  meaning: CheckMeaning,
): v.CheckAction<T, string> {
  CHECK_MEANINGS.set(requirement, {
    code: meaning.code ?? 'config.invalid',
    expected: meaning.expected,
    hint: meaning.hint,
  });
  return v.check(requirement, meaning.expected);
}

/** The meaning registered for a valibot issue's requirement, if it came from {@link configCheck}. */
export function checkMeaningOf(requirement: unknown): Required<CheckMeaning> | undefined {
  return typeof requirement === 'function' ? CHECK_MEANINGS.get(requirement as () => unknown) : undefined;
}
