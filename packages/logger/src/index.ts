export type { LogFields, Logger, LogLevel } from './logger-types';
export { noopLogger } from './logger-types';
export type { SecretInput } from './secret';
export { isSecret, Secret, toSecret } from './secret';
export { MIN_SECRET_LENGTH, REDACTED, redactSecretValues, registerSecretValue } from './secret-registry';
