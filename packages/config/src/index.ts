export type { ConfigProblem, ConfigSource } from './config-error';
export { ConfigError, formatProblem, isConfigError } from './config-error';
export type { FrozenConfig } from './deep-freeze';
export type { ConfigDefinition } from './define-config';
export { defineConfig } from './define-config';
export type { ConfigFieldDescription } from './describe-config';
export { describeConfig } from './describe-config';
export { duration, parseDuration } from './duration';
export { configFileEnvVar, DEFAULT_ENV_PREFIX, envVarName } from './env-var-name';
export { loadConfig } from './load-config';
export type { DeepPartial, EnvSource, LoadConfigOptions } from './load-config-options';
export { DEFAULT_LOAD_CONFIG_OPTIONS } from './load-config-options';
export type { ReadTextFile } from './read-config-file';
export type { SecretOptions } from './secret';
export { DEFAULT_SECRET_OPTIONS, secret } from './secret';
export { singleSource } from './single-source';
export type { UrlOptions } from './url';
export { DEFAULT_URL_OPTIONS, httpsUrl, isLoopbackHost, url } from './url';
// Not exported: the schema walker, layer collector and issue mapping are internals whose shapes may change.
