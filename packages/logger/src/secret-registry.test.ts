import { describe, expect, it } from 'vitest';
import {
  MAX_TRANSIENT_SECRETS,
  MIN_SECRET_LENGTH,
  REDACTED,
  redactSecretValues,
  registerSecretValue,
  registerTransientSecret,
  TRANSIENT_SECRET_RETENTION_MS,
  TransientSecrets,
} from './secret-registry';

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

describe('transient secrets (one per request: signatures, signed logins)', () => {
  it('masks a registered signature everywhere, through the same function and hook as other secrets', () => {
    registerTransientSecret('9f86d081884c7d659a2feaa0c55ad015');
    const text = 'msg: signature 9f86d081884c7d659a2feaa0c55ad015 invalid (9f86d081884c7d659a2feaa0c55ad015)';
    expect(redactSecretValues(text)).toBe(`msg: signature ${REDACTED} invalid (${REDACTED})`);
    const hook = (globalThis as Record<symbol, unknown>)[Symbol.for('kit.redact')] as (t: string) => string;
    expect(hook('x9f86d081884c7d659a2feaa0c55ad015y')).toBe(`x${REDACTED}y`);
  });

  it('masks the longest of several values that start at the same place, and adjacent values', () => {
    const store = new TransientSecrets();
    store.add('abcd1234');
    store.add('abcd1234-and-more');
    store.add('zzzz9999');
    expect(store.redact('abcd1234-and-more|abcd1234zzzz9999|abcd123')).toBe(
      `${REDACTED}|${REDACTED}${REDACTED}|abcd123`,
    );
    expect(store.redact('nothing to see')).toBe('nothing to see');
  });

  it('forgets a value after the retention time, unless it was registered again', () => {
    let now = 0;
    const store = new TransientSecrets(100, 1_000, () => now);
    store.add('sig-old-00000');
    store.add('sig-kept-11111');
    now = 900;
    store.add('sig-kept-11111');
    now = 1_001;
    store.add('sig-new-22222');
    expect(store.redact('sig-old-00000 sig-kept-11111 sig-new-22222')).toBe(
      `sig-old-00000 ${REDACTED} ${REDACTED}`,
    );
    expect(store.size).toBe(2);
  });

  it('holds at most its capacity, dropping the oldest first', () => {
    const store = new TransientSecrets(3, 60_000, () => 0);
    for (const value of ['cap-a-0000', 'cap-b-1111', 'cap-c-2222', 'cap-d-3333']) store.add(value);
    expect(store.size).toBe(3);
    expect(store.redact('cap-a-0000 cap-d-3333')).toBe(`cap-a-0000 ${REDACTED}`);
  });

  it('keeps a value registered twice until its latest registration goes', () => {
    const store = new TransientSecrets(3, 60_000, () => 0);
    for (const value of ['twice-aaaa', 'twice-aaaa', 'other-bbbb', 'other-cccc']) store.add(value);
    expect(store.redact('twice-aaaa')).toBe(REDACTED);
    store.add('other-dddd');
    expect(store.redact('twice-aaaa')).toBe('twice-aaaa');
  });

  it('stays bounded and fast over many registrations (a long-running signer)', () => {
    const store = new TransientSecrets(1_000, 60_000, () => 0);
    for (let i = 0; i < 20_000; i++) store.add(`sig-${i.toString(16).padStart(12, '0')}`);
    expect(store.size).toBe(1_000);
    const latest = `sig-${(19_999).toString(16).padStart(12, '0')}`;
    expect(store.redact(`bad signature ${latest}`)).toBe(`bad signature ${REDACTED}`);
  });

  it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters, and documents its bounds`, () => {
    const store = new TransientSecrets();
    store.add('abc');
    expect(store.size).toBe(0);
    expect(MAX_TRANSIENT_SECRETS).toBeGreaterThan(1_000);
    expect(TRANSIENT_SECRET_RETENTION_MS).toBeGreaterThan(60_000);
  });
});
