import { withoutUndefined } from '@kit/errors/internal';
import type * as v from 'valibot';
import type { FrozenConfig } from './deep-freeze';
import { type ConfigFieldDescription, describeConfig } from './describe-config';
import { loadConfig } from './load-config';
import { DEFAULT_LOAD_CONFIG_OPTIONS, type LoadConfigOptions } from './load-config-options';
import { readSchemaFields } from './schema-fields';

/** A reusable config definition: the schema and its sources, loaded on demand. */
export interface ConfigDefinition<TSchema extends v.GenericSchema> {
  /** The schema. */
  readonly schema: TSchema;
  /** Loads the config; `options` are merged over the definition's (e.g. a test's `env` or `overrides`). */
  load(options?: Partial<Omit<LoadConfigOptions<TSchema>, 'schema'>>): FrozenConfig<v.InferOutput<TSchema>>;
  /** Every setting with its env var, type and default. */
  describe(): ConfigFieldDescription[];
}

/**
 * Declares a config once (schema, prefix, file) and loads it where needed. The schema is checked
 * immediately, so two settings that would share an env var fail at startup, not at first load.
 *
 * @example
 * ```ts
 * export const appConfig = defineConfig({ schema, envPrefix: 'MYAPP_', file: 'myapp.json', allowMissingFile: true });
 * const config = appConfig.load();
 * ```
 */
export function defineConfig<TSchema extends v.GenericSchema>(
  definition: LoadConfigOptions<TSchema>,
): ConfigDefinition<TSchema> {
  const prefix = definition.envPrefix ?? DEFAULT_LOAD_CONFIG_OPTIONS.envPrefix;
  readSchemaFields(definition.schema, prefix);
  return {
    schema: definition.schema,
    // An option passed as undefined overrides nothing: the definition's value (or default) stays.
    load: (options = {}) => loadConfig({ ...definition, ...withoutUndefined(options) }),
    describe: () => describeConfig(definition.schema, prefix),
  };
}
