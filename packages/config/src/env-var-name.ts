/** The env var prefix kit uses when none is given. */
export const DEFAULT_ENV_PREFIX = 'KIT_';

/** Turns one path segment into UPPER_SNAKE_CASE: `baseUrl` -> `BASE_URL`, `apiURLPath` -> `API_URL_PATH`. */
function segmentToEnv(segment: string): string {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** A prefix as used in names: empty stays empty, otherwise it ends with exactly one `_`. */
export function normalizeEnvPrefix(prefix: string): string {
  if (prefix === '') return '';
  return prefix.endsWith('_') ? prefix : `${prefix}_`;
}

/**
 * The environment variable that sets a config path. The rule: the prefix, then each path segment in
 * UPPER_SNAKE_CASE (camelCase humps and any non-alphanumeric run become `_`), segments joined by a
 * double underscore `__` so nesting stays unambiguous.
 *
 * @param path - A dotted path (`rest.baseUrl`) or its segments (`['rest', 'baseUrl']`).
 * @param prefix - Prepended as given, plus a `_` if it does not end with one. Defaults to `KIT_`.
 *
 * @example
 * ```ts
 * envVarName('rest.baseUrl');             // 'KIT_REST__BASE_URL'
 * envVarName('retry.maxAttempts', 'APP'); // 'APP_RETRY__MAX_ATTEMPTS'
 * ```
 */
export function envVarName(path: string | readonly string[], prefix: string = DEFAULT_ENV_PREFIX): string {
  const segments = typeof path === 'string' ? path.split('.') : path;
  return normalizeEnvPrefix(prefix) + segments.map(segmentToEnv).join('__');
}

/** The variable that names the config file: `<PREFIX>CONFIG_FILE`. */
export function configFileEnvVar(prefix: string = DEFAULT_ENV_PREFIX): string {
  return `${normalizeEnvPrefix(prefix)}CONFIG_FILE`;
}
