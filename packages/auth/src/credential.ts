import { KitError } from '@kit/errors';
import { type Secret, type SecretInput, toSecret } from '@kit/logger';
import { registerCredential } from './derived-secrets';

/**
 * Wraps a credential in a Secret (registering it for redaction) and fails fast with
 * `auth.missing_credentials` when it is empty, naming the option, never the value.
 */
export function requireCredential(input: SecretInput | undefined, option: string): Secret {
  if (input === undefined || input === null) {
    throw new KitError('auth.missing_credentials', { message: `The \`${option}\` credential is missing` });
  }
  const secret = toSecret(input);
  if (secret.isEmpty || secret.reveal().trim().length === 0) {
    throw new KitError('auth.missing_credentials', { message: `The \`${option}\` credential is empty` });
  }
  if (secret.reveal().trim() !== secret.reveal()) {
    throw new KitError('auth.invalid_credentials', {
      message: `The \`${option}\` credential has leading or trailing whitespace`,
      hint: 'Remove the spaces or newline around the value (a common copy-paste or .env mistake).',
    });
  }
  // The Secret registered the value; its URL- and form-encoded forms are what a query string or a
  // token request body carries.
  registerCredential(secret.reveal());
  return secret;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Fails with `client.invalid_argument` when `name` is not a valid HTTP header name. */
export function requireHeaderName(name: string, option: string): string {
  if (!HEADER_NAME.test(name)) {
    throw new KitError('client.invalid_argument', {
      message: `\`${option}\` is not a valid HTTP header name: ${JSON.stringify(name)}`,
    });
  }
  return name;
}
