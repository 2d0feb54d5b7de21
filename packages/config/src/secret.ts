import { isSecret, Secret } from '@kit/logger';
import * as v from 'valibot';
import { configCheck, configMetadata } from './config-metadata';

/** Options for {@link secret}. */
export interface SecretOptions {
  /**
   * Trim surrounding whitespace silently instead of reporting it. Off by default because a stray
   * newline usually means the value was copied from the wrong place.
   * @default false
   */
  trim?: boolean;
}

/** The defaults of {@link SecretOptions}. */
export const DEFAULT_SECRET_OPTIONS: Required<SecretOptions> = { trim: false };

const hasNoSurroundingWhitespace = (text: string): boolean => text.trim() === text;
const hasNoWrappingQuotes = (text: string): boolean =>
  !/^(["'`]).*\1$/s.test(text.trim()) || text.trim().length < 2;
const isNonEmpty = (text: string): boolean => text.trim().length > 0;

const whitespaceCheck = configCheck(hasNoSurroundingWhitespace, {
  code: 'config.invalid',
  expected: 'a secret without leading or trailing whitespace',
  hint: 'Remove the spaces or newline around the value (common when copying from a terminal or a file written with echo), or use secret({ trim: true }).',
});

const quotesCheck = configCheck(hasNoWrappingQuotes, {
  code: 'config.invalid',
  expected: 'a secret without wrapping quotes',
  hint: 'Remove the quotes around the value: Docker --env-file, systemd and many CI UIs keep quotes literally.',
});

const nonEmptyCheck = configCheck(isNonEmpty, {
  code: 'config.missing',
  expected: 'a non-empty secret',
  hint: 'Set the secret to its real value; it is empty.',
});

/**
 * A credential setting. Produces a `Secret` from @kit/logger, so the value is registered for
 * redaction the moment it is loaded and prints as `[REDACTED]` everywhere. Surrounding whitespace and
 * wrapping quotes are reported (with a hint, never echoing the value) rather than silently kept.
 *
 * @example
 * ```ts
 * const schema = v.object({ apiKey: secret() });
 * const config = loadConfig({ schema, env: { KIT_API_KEY: 'sk_live_...' } });
 * sign(config.apiKey.reveal());
 * ```
 */
export function secret(options: SecretOptions = {}) {
  const trim = options.trim ?? DEFAULT_SECRET_OPTIONS.trim;
  return v.pipe(
    v.union([
      v.custom<Secret>(isSecret, 'Expected a Secret'),
      v.pipe(v.string(), trim ? v.trim() : whitespaceCheck, quotesCheck, nonEmptyCheck),
    ]),
    v.transform((value: Secret | string): Secret => (isSecret(value) ? value : new Secret(value))),
    configMetadata<Secret>({ kind: 'secret', typeLabel: 'secret' }),
  );
}
