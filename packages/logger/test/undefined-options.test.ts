// An option passed as `undefined` means its documented default, for every public option: a caller
// who writes `{ level: config.level }` with the setting unset gets the default, not another behaviour.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createLogger,
  createRedactor,
  DEFAULT_REDACT_OPTIONS,
  LOG_FORMAT_ENV,
  LOG_LEVEL_ENV,
  redact,
  redactString,
} from '../src/index';
import { createCapturingLogger } from '../src/testing';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('createLogger with every option undefined', () => {
  it('logs at info, as JSON (no terminal), with no name or bound fields, to stdout and stderr', () => {
    vi.stubEnv(LOG_LEVEL_ENV, undefined);
    vi.stubEnv(LOG_FORMAT_ENV, undefined);
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    const before = Date.now();
    const logger = createLogger({
      name: undefined,
      level: undefined,
      format: undefined,
      redact: undefined,
      sink: undefined,
      fields: undefined,
      now: undefined,
    });
    logger.debug('hidden');
    logger.info('shown', { token: 'tok_123' });
    logger.error('failed');
    vi.restoreAllMocks();
    expect(out).toHaveLength(1);
    expect(err).toHaveLength(1);
    const line = JSON.parse(out[0] ?? '');
    expect(line).toMatchObject({ level: 'info', msg: 'shown', fields: { token: '[REDACTED]' } });
    expect(line.name).toBeUndefined();
    expect(Date.parse(line.time)).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.parse(err[0] ?? '').level).toBe('error');
  });

  it('takes the environment when level and format are undefined', () => {
    vi.stubEnv(LOG_LEVEL_ENV, 'warn');
    vi.stubEnv(LOG_FORMAT_ENV, 'json');
    const lines: string[] = [];
    const logger = createLogger({ level: undefined, format: undefined, sink: (line) => lines.push(line) });
    logger.info('below warn');
    logger.warn('kept');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['kept']);
  });
});

describe('createCapturingLogger with every option undefined', () => {
  it('captures debug and up as JSON', () => {
    const capture = createCapturingLogger({
      name: undefined,
      level: undefined,
      format: undefined,
      redact: undefined,
      fields: undefined,
      now: undefined,
    });
    capture.logger.debug('kept', { password: 'p4ss' });
    expect(capture.records.map((r) => r.level)).toEqual(['debug']);
    expect(JSON.parse(capture.lines[0] ?? '').fields.password).toBe('[REDACTED]');
  });
});

describe('redact options undefined', () => {
  const undefinedRedact = {
    keys: undefined,
    patterns: undefined,
    maxDepth: undefined,
    maxStringLength: undefined,
    maxArrayLength: undefined,
    maxKeys: undefined,
  };
  const deep = (depth: number): unknown => (depth === 0 ? 'leaf' : { next: deep(depth - 1) });
  const big = {
    text: 'x'.repeat(DEFAULT_REDACT_OPTIONS.maxStringLength + 10),
    short: 'plain text',
    list: Array.from({ length: DEFAULT_REDACT_OPTIONS.maxArrayLength + 5 }, (_, i) => i),
    nested: deep(DEFAULT_REDACT_OPTIONS.maxDepth + 3),
    apiKey: 'k_123',
  };

  it('redact() bounds strings, arrays and depth exactly as with no options', () => {
    expect(redact(big, undefinedRedact)).toEqual(redact(big));
    const out = redact(big, undefinedRedact) as { short: string; text: string; apiKey: string };
    expect(out.short).toBe('plain text');
    expect(out.text).toContain(`[truncated 10 chars]`);
    expect(out.apiKey).toBe('[REDACTED]');
  });

  it('createRedactor() with undefined options is the default redactor', () => {
    expect(createRedactor(undefinedRedact).value(big)).toEqual(createRedactor().value(big));
    expect(createRedactor(undefined).string('token=abc')).toBe(createRedactor().string('token=abc'));
  });

  it('redactString() masks the built-in keys only', () => {
    const text = 'GET /x?signature=abc&side=buy';
    expect(redactString(text, { keys: undefined, patterns: undefined })).toBe(redactString(text));
    expect(redactString(text, { keys: undefined, patterns: undefined })).toContain('side=buy');
  });
});
