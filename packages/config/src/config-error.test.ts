import { inspect } from 'node:util';
import { isKitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem, formatProblem, isConfigError } from './config-error';

const missing: ConfigProblem = {
  code: 'config.missing',
  path: 'rest.baseUrl',
  envVar: 'KIT_REST__BASE_URL',
  expected: 'https URL',
  received: 'nothing',
  hint: 'Set KIT_REST__BASE_URL or "rest.baseUrl" in the config file.',
};
const invalid: ConfigProblem = {
  code: 'config.invalid',
  path: 'rest.maxAttempts',
  envVar: 'KIT_REST__MAX_ATTEMPTS',
  source: 'env',
  origin: 'KIT_REST__MAX_ATTEMPTS',
  expected: 'a number',
  received: '"ten"',
  hint: 'Write a plain decimal number.',
};

describe('ConfigError', () => {
  it('takes the single problem code and hint, or config.invalid for several', () => {
    const one = new ConfigError([missing]);
    expect(one.code).toBe('config.missing');
    expect(one.hint).toBe(missing.hint);
    const two = new ConfigError([missing, invalid]);
    expect(two.code).toBe('config.invalid');
    expect(two.message.split('\n')).toHaveLength(3);
    expect(two.details).toEqual({ problems: [missing, invalid] });
  });

  it('is a KitError and recognisable across copies', () => {
    const error = new ConfigError([missing]);
    expect(isKitError(error, 'config.missing')).toBe(true);
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(new Error('x'))).toBe(false);
    expect(error.name).toBe('ConfigError');
    expect(inspect(error)).toContain('config-missing');
  });

  it('formats one line per problem with path, source, env var, expected, received and hint', () => {
    expect(formatProblem(invalid)).toBe(
      'rest.maxAttempts (from env KIT_REST__MAX_ATTEMPTS): expected a number, received "ten". Hint: Write a plain decimal number.',
    );
    expect(formatProblem(missing)).toContain('rest.baseUrl (not set; env KIT_REST__BASE_URL)');
  });
});
