import { inspect } from 'node:util';
import { isSecret, redactSecretValues, Secret } from '@kit/logger';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { checkMeaningOf } from './config-metadata';
import { secret } from './secret';

describe('secret()', () => {
  it('produces a Secret that never prints and is registered for redaction', () => {
    const value = v.parse(secret(), 'sk_test_secret_value_1');
    expect(isSecret(value)).toBe(true);
    expect(value.reveal()).toBe('sk_test_secret_value_1');
    expect(String(value)).not.toContain('sk_test');
    expect(JSON.stringify({ value })).not.toContain('sk_test');
    expect(inspect(value)).not.toContain('sk_test');
    expect(redactSecretValues('key=sk_test_secret_value_1')).not.toContain('sk_test');
  });

  it('accepts an existing Secret unchanged', () => {
    const given = new Secret('already-wrapped');
    expect(v.parse(secret(), given)).toBe(given);
  });

  it.each([
    ['trailing newline', 'sk_live_abc\n', 'whitespace'],
    ['leading space', ' sk_live_abc', 'whitespace'],
    ['double quotes', '"sk_live_abc"', 'quotes'],
    ['single quotes', "'sk_live_abc'", 'quotes'],
  ])('reports a %s with a hint and without the value', (_name, input, word) => {
    const issues = v.safeParse(secret(), input).issues ?? [];
    expect(issues).toHaveLength(1);
    const meaning = checkMeaningOf(issues[0]?.requirement);
    expect(meaning?.expected).toContain(word);
    expect(meaning?.hint).not.toContain('sk_live');
  });

  it('trims silently when asked', () => {
    expect(v.parse(secret({ trim: true }), '  sk_live_trimmed \n').reveal()).toBe('sk_live_trimmed');
  });

  it('treats an empty value as missing', () => {
    const issues = v.safeParse(secret(), '').issues ?? [];
    expect(checkMeaningOf(issues[0]?.requirement)?.code).toBe('config.missing');
  });
});
