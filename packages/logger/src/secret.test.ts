import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isSecret, Secret, toSecret } from './secret';
import { REDACTED, redactSecretValues } from './secret-registry';

describe('Secret', () => {
  const value = 'xs-secret-value-123';
  const secret = new Secret(value);

  it('reveals its value only through reveal()', () => {
    expect(secret.reveal()).toBe(value);
    expect(secret.isEmpty).toBe(false);
    expect(new Secret('').isEmpty).toBe(true);
  });

  it('prints as [REDACTED] through String, template literals, concatenation, JSON and util.inspect', () => {
    expect(String(secret)).toBe(REDACTED);
    expect(`${secret}`).toBe(REDACTED);
    expect(`key=${secret}`).toBe(`key=${REDACTED}`);
    expect(JSON.stringify({ secret })).toBe(`{"secret":"${REDACTED}"}`);
    for (const printed of [
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 5, showHidden: true }),
    ]) {
      expect(printed).toContain(REDACTED);
      expect(printed).not.toContain(value);
    }
  });

  it('does not expose its value through enumeration', () => {
    expect(Object.keys(secret)).toEqual([]);
    expect(JSON.stringify(Object.entries(secret))).not.toContain(value);
  });

  it('registers its value so it is masked inside other strings', () => {
    expect(redactSecretValues(`https://h/v1?k=${value}`)).toBe(`https://h/v1?k=${REDACTED}`);
  });

  it('is recognised by isSecret across copies (brand check) and wrapped by toSecret', () => {
    expect(isSecret(secret)).toBe(true);
    expect(isSecret({ reveal: () => 'x' })).toBe(false);
    expect(isSecret(null)).toBe(false);
    expect(toSecret(secret)).toBe(secret);
    const wrapped = toSecret('xs-wrapped-456');
    expect(isSecret(wrapped)).toBe(true);
    expect(wrapped.reveal()).toBe('xs-wrapped-456');
  });
});
