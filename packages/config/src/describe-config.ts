import { REDACTED } from '@kit/logger';
import type * as v from 'valibot';
import { DEFAULT_ENV_PREFIX } from './env-var-name';
import { leafFields, readSchemaFields } from './schema-fields';

/** One setting, as listed by {@link describeConfig}. */
export interface ConfigFieldDescription {
  /** The dotted path, e.g. `rest.baseUrl`. */
  readonly path: string;
  /** The environment variable that sets it, e.g. `KIT_REST__BASE_URL`. */
  readonly envVar: string;
  /** A readable type, e.g. `number`, `duration (ms)`, `https URL`, `secret`, `"debug" | "info"`. */
  readonly type: string;
  /** Whether it must be given (no default, not optional). */
  readonly required: boolean;
  /** The schema default (`[REDACTED]` for secrets); `undefined` when there is none. */
  readonly default: unknown;
  /** Whether it is a credential (produces a `Secret`). */
  readonly secret: boolean;
  /** Whether it may be given in one source only. */
  readonly singleSource: boolean;
  /** The schema's `v.description(...)`, if any. */
  readonly description?: string;
}

/**
 * Lists every setting a schema defines: path, env var, type, default, and flags. Use it for
 * `--help` output, a `doctor` command or generated docs.
 *
 * @example
 * ```ts
 * for (const f of describeConfig(schema)) console.log(`${f.envVar}\t${f.type}\t${f.default ?? ''}`);
 * ```
 */
export function describeConfig(
  schema: v.GenericSchema,
  prefix: string = DEFAULT_ENV_PREFIX,
): ConfigFieldDescription[] {
  return leafFields(readSchemaFields(schema, prefix)).map((field) => ({
    path: field.path,
    envVar: field.envVar,
    type: field.typeLabel,
    required: field.required,
    default: field.hasDefault && field.secret ? REDACTED : field.defaultValue,
    secret: field.secret,
    singleSource: field.singleSource,
    ...(field.description ? { description: field.description } : {}),
  }));
}
