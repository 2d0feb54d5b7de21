import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, REDACTED, redactSecretValues, registerSecretValue } from './secret-registry';

describe('secret registry', () => {
  it('masks a registered value everywhere it appears, and leaves other text alone', () => {
    registerSecretValue('sr-value-abc');
    expect(redactSecretValues('a sr-value-abc b sr-value-abc')).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(redactSecretValues('nothing here')).toBe('nothing here');
  });

  it('masks a secret that contains another one as a whole', () => {
    registerSecretValue('sr-inner');
    registerSecretValue('sr-inner-and-outer');
    expect(redactSecretValues('sr-inner-and-outer')).toBe(REDACTED);
  });

  it('treats regular-expression characters in secrets literally', () => {
    registerSecretValue('sr.+*?(x)[y]$');
    expect(redactSecretValues('pre sr.+*?(x)[y]$ post')).toBe(`pre ${REDACTED} post`);
    expect(redactSecretValues('sr-plus-x')).toBe('sr-plus-x');
  });

  it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters (they would mask ordinary text)`, () => {
    registerSecretValue('abc');
    expect(redactSecretValues('abc abcdef')).toBe('abc abcdef');
  });

  it('installs the hook @kit/errors uses to redact KitError messages', () => {
    registerSecretValue('sr-hook-value');
    const hook = (globalThis as Record<symbol, unknown>)[Symbol.for('kit.redact')] as (
      text: string,
    ) => string;
    expect(hook('x sr-hook-value')).toBe(`x ${REDACTED}`);
  });
});
