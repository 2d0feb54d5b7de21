import * as v from 'valibot';
import { configMetadata } from './config-metadata';

/**
 * Marks a setting that must come from one place. When two sources (the config file, the
 * environment, overrides) give it different values, loading fails with `config.conflict` instead
 * of the usual precedence silently picking one: use it for values where a stale copy is dangerous
 * (an account id, a production base URL). Wrap the inner schema, then make it optional if needed:
 * `v.optional(singleSource(v.string()), 'x')`.
 *
 * @example
 * ```ts
 * const schema = v.object({ accountId: singleSource(v.string()) });
 * ```
 */
export function singleSource<TSchema extends v.GenericSchema>(schema: TSchema) {
  return v.pipe(schema, configMetadata<v.InferOutput<TSchema>>({ singleSource: true }));
}
