import type { Secret } from '@kit/logger';
import type * as v from 'valibot';
import { DEFAULT_ENV_PREFIX, normalizeEnvPrefix } from './env-var-name';
import { type ReadTextFile, readTextFileWithNode } from './read-config-file';

/** A partial, nested input value for `defaults` and `overrides`. */
export type DeepPartial<T> = T extends Secret | ((...args: never[]) => unknown) | readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Environment variables as plain strings, like `process.env`. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Options for `loadConfig` and `defineConfig`. */
export interface LoadConfigOptions<TSchema extends v.GenericSchema> {
  /** The valibot schema; the loaded value's type is inferred from it. */
  schema: TSchema;
  /**
   * Path of a JSON config file. `<PREFIX>CONFIG_FILE` in `env` wins over it (deployments choose the
   * file, code gives the usual one).
   * @default undefined (no file unless `<PREFIX>CONFIG_FILE` is set)
   */
  file?: string;
  /**
   * Whether a missing `file` is fine (a file named by `<PREFIX>CONFIG_FILE` must always exist).
   * @default false
   */
  allowMissingFile?: boolean;
  /**
   * The environment to read.
   * @default process.env (an empty object where there is no `process`)
   */
  env?: EnvSource;
  /**
   * Prefix of every variable name (a trailing `_` is added if missing; `''` for none).
   * @default 'KIT_'
   */
  envPrefix?: string;
  /**
   * Values below the config file: your application's defaults, on top of the schema's.
   * @default undefined
   */
  defaults?: DeepPartial<v.InferInput<TSchema>>;
  /**
   * Values that win over every other source (command-line flags, tests).
   * @default undefined
   */
  overrides?: DeepPartial<v.InferInput<TSchema>>;
  /**
   * What to do with keys and prefixed variables the schema does not define.
   * @default 'error'
   */
  unknownKeys?: 'error' | 'ignore';
  /**
   * Prefixed variables that are not settings and must not be reported as unknown.
   * @default ['KIT_LOG_LEVEL', 'KIT_LOG_FORMAT'] (read by @kit/logger)
   */
  ignoreEnvVars?: readonly string[];
  /**
   * Reads the config file as text.
   * @default Node's `fs.readFileSync(path, 'utf8')`
   */
  readFile?: ReadTextFile;
}

/** The defaults of {@link LoadConfigOptions} (`env` defaults to `process.env`, read at load time). */
export const DEFAULT_LOAD_CONFIG_OPTIONS = {
  envPrefix: DEFAULT_ENV_PREFIX,
  allowMissingFile: false,
  unknownKeys: 'error',
  ignoreEnvVars: ['KIT_LOG_LEVEL', 'KIT_LOG_FORMAT'],
  readFile: readTextFileWithNode,
} as const satisfies Partial<LoadConfigOptions<v.GenericSchema>>;

/** Options with every default applied. */
export interface ResolvedLoadOptions<TSchema extends v.GenericSchema> {
  schema: TSchema;
  file: string | undefined;
  allowMissingFile: boolean;
  env: EnvSource;
  envPrefix: string;
  defaults: unknown;
  overrides: unknown;
  unknownKeys: 'error' | 'ignore';
  ignoreEnvVars: readonly string[];
  readFile: ReadTextFile;
}

function processEnv(): EnvSource {
  const runtime = (globalThis as { process?: { env?: EnvSource } }).process;
  return runtime?.env ?? {};
}

/** Applies the defaults in one place. */
export function resolveLoadOptions<TSchema extends v.GenericSchema>(
  options: LoadConfigOptions<TSchema>,
): ResolvedLoadOptions<TSchema> {
  return {
    schema: options.schema,
    file: options.file,
    allowMissingFile: options.allowMissingFile ?? DEFAULT_LOAD_CONFIG_OPTIONS.allowMissingFile,
    env: options.env ?? processEnv(),
    envPrefix: normalizeEnvPrefix(options.envPrefix ?? DEFAULT_LOAD_CONFIG_OPTIONS.envPrefix),
    defaults: options.defaults,
    overrides: options.overrides,
    unknownKeys: options.unknownKeys ?? DEFAULT_LOAD_CONFIG_OPTIONS.unknownKeys,
    ignoreEnvVars: options.ignoreEnvVars ?? DEFAULT_LOAD_CONFIG_OPTIONS.ignoreEnvVars,
    readFile: options.readFile ?? DEFAULT_LOAD_CONFIG_OPTIONS.readFile,
  };
}
