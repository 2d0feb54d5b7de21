import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './create-logger';
import type { LogRecord } from './log-record';
import { Secret } from './secret';
import { REDACTED } from './secret-registry';

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const logger = createLogger({
    format: 'json',
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    ...options,
    sink: (line, record) => {
      lines.push(line);
      records.push(record);
    },
  });
  return { logger, lines, records };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createLogger', () => {
  it('says which levels it emits (isLevelEnabled), for it and its children', () => {
    const { logger, lines } = capture({ level: 'info' });
    expect(logger.isLevelEnabled?.('debug')).toBe(false);
    expect(logger.isLevelEnabled?.('info')).toBe(true);
    expect(logger.isLevelEnabled?.('error')).toBe(true);
    expect(logger.isLevelEnabled?.('silent')).toBe(false);
    const child = logger.child({ requestId: 'req_1' });
    expect(child.isLevelEnabled?.('debug')).toBe(false);
    expect(child.isLevelEnabled?.('warn')).toBe(true);
    // The answer matches what is really written.
    child.debug('hidden');
    child.warn('shown');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['shown']);
    const quiet = capture({ level: 'silent' }).logger;
    expect(quiet.isLevelEnabled?.('error')).toBe(false);
    const verbose = capture({ level: 'debug' }).logger;
    expect(verbose.isLevelEnabled?.('debug')).toBe(true);
  });

  it('writes one JSON object per line with time, level, name, msg and fields', () => {
    const { logger, lines } = capture({ name: 'orders' });
    logger.info('order placed', { orderId: 'o_1', qty: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '2026-01-02T03:04:05.006Z',
      level: 'info',
      name: 'orders',
      msg: 'order placed',
      fields: { orderId: 'o_1', qty: 2 },
    });
  });

  it('adds bound fields from options and children; the call and the child win on a clash', () => {
    const { logger, records } = capture({ fields: { service: 'svc', scope: 'root' } });
    const child = logger.child({ requestId: 'r1', scope: 'child' });
    child.child({ attempt: 2 }).warn('retrying', { scope: 'call' });
    child.info('done');
    expect(records.map((r) => r.fields)).toEqual([
      { service: 'svc', scope: 'call', requestId: 'r1', attempt: 2 },
      { service: 'svc', scope: 'child', requestId: 'r1' },
    ]);
  });

  it('redacts the message, the call fields and the bound fields', () => {
    new Secret('cl-registered-secret-9');
    const { logger, text } = (() => {
      const c = capture();
      return { logger: c.logger, text: () => c.lines.join('\n') };
    })();
    logger
      .child({ auth: { authorization: 'Bearer bound-token' } })
      .error('call to /v1?apiKey=qk-1 failed with cl-registered-secret-9', {
        headers: { 'x-api-key': 'hdr-key' },
        error: new Error('boom cl-registered-secret-9'),
      });
    const out = text();
    for (const leaked of ['cl-registered-secret-9', 'bound-token', 'qk-1', 'hdr-key'])
      expect(out).not.toContain(leaked);
    expect(out).toContain(REDACTED);
  });

  it('emits nothing below the level and does no work for it', () => {
    const { logger, lines } = capture({ level: 'warn' });
    let reads = 0;
    const fields = {
      get expensive(): string {
        reads++;
        return 'x';
      },
    };
    logger.debug('d', fields);
    logger.info('i', fields);
    expect(lines).toEqual([]);
    expect(reads).toBe(0);
    logger.warn('w', fields);
    expect(reads).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it('emits nothing at level silent', () => {
    const { logger, lines } = capture({ level: 'silent' });
    logger.error('e');
    expect(lines).toEqual([]);
  });

  it('reads the level from KIT_LOG_LEVEL when the options do not set it, case-insensitively', () => {
    vi.stubEnv('KIT_LOG_LEVEL', ' DEBUG ');
    const fromEnv = capture();
    fromEnv.logger.debug('seen');
    expect(fromEnv.lines).toHaveLength(1);

    const fromOption = capture({ level: 'error' });
    fromOption.logger.warn('hidden');
    expect(fromOption.lines).toEqual([]);
  });

  it('warns once about a bad KIT_LOG_LEVEL, falls back to info and never throws', () => {
    vi.stubEnv('KIT_LOG_LEVEL', 'verbose-env-1');
    const first = capture();
    expect(first.records).toHaveLength(1);
    expect(first.records[0]).toMatchObject({ level: 'warn', fields: { value: 'verbose-env-1' } });
    expect(first.records[0]?.msg).toContain('KIT_LOG_LEVEL');
    first.logger.debug('below info');
    first.logger.info('at info');
    expect(first.records).toHaveLength(2);

    const second = capture();
    expect(second.records).toEqual([]);
  });

  it('warns about an unknown level option and falls back to the environment or info', () => {
    const { records } = capture({ level: 'loud' as never });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'warn', fields: { value: 'loud' } });
  });

  it('reads the format from KIT_LOG_FORMAT and otherwise picks json when stdout is not a terminal', () => {
    vi.stubEnv('KIT_LOG_FORMAT', 'pretty');
    const pretty = capture({ format: undefined });
    pretty.logger.info('hello');
    expect(() => JSON.parse(pretty.lines[0] ?? '')).toThrow();

    vi.stubEnv('KIT_LOG_FORMAT', '');
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
    try {
      const auto = capture({ format: undefined });
      auto.logger.info('hello');
      expect(JSON.parse(auto.lines[0] ?? '')).toMatchObject({ msg: 'hello' });
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      const onTty = capture({ format: undefined });
      onTty.logger.info('hello');
      expect(onTty.lines[0]).toMatch(/INFO\s+hello/);
    } finally {
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });

  it('warns once about a bad format and falls back', () => {
    vi.stubEnv('KIT_LOG_FORMAT', 'yaml-env-1');
    const { records, lines } = capture({ format: undefined });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'warn',
      fields: { value: 'yaml-env-1', expected: 'json, pretty' },
    });
    expect(records[0]?.msg).toContain('KIT_LOG_FORMAT');
    expect(lines[0]).toBeDefined();
    expect(capture({ format: undefined }).records).toEqual([]);
    expect(capture({ format: 'xml' as never }).records[0]).toMatchObject({ fields: { value: 'xml' } });
  });

  it('writes pretty lines for people: time, level, name, message and fields, without colours on a custom sink', () => {
    const { logger, lines } = capture({ format: 'pretty', name: 'ws' });
    logger.warn('reconnecting', { attempt: 3, password: 'pw' });
    const line = lines[0] ?? '';
    expect(line).toMatch(/^2026-01-02 03:04:05\.006 WARN\s+\[ws\] reconnecting/);
    expect(line).toContain('attempt: 3');
    expect(line).toContain(`password: '${REDACTED}'`);
    expect(line).not.toContain('\u001b[');
  });

  it('prints errors in pretty output as error blocks with their cause chain, redacted', () => {
    new Secret('cl-pretty-secret-77');
    const { logger, lines } = capture({ format: 'pretty' });
    const error = new Error('outer', { cause: new Error('inner cl-pretty-secret-77') });
    logger.error('request failed', { error });
    const line = lines[0] ?? '';
    expect(line).toContain("error: 'Error: outer'");
    expect(line).toContain('Caused by (1): Error: inner [REDACTED]');
    expect(line).not.toContain('cl-pretty-secret-77');
  });

  it('logs circular fields in both formats', () => {
    const loop: Record<string, unknown> = { id: 1 };
    loop.self = loop;
    for (const format of ['json', 'pretty'] as const) {
      const { logger, lines } = capture({ format });
      expect(() => logger.info('loop', { loop })).not.toThrow();
      expect(lines[0]).toContain('[Circular]');
    }
  });

  it('never throws into the caller when the sink throws or the fields are hostile', () => {
    const logger = createLogger({
      format: 'json',
      sink: () => {
        throw new Error('disk full');
      },
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => logger.error('one')).not.toThrow();
      expect(() => logger.error('two')).not.toThrow();
      // Said once on the default sink, not once per line.
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0]?.[0])).toContain('log sink threw');
    } finally {
      stderr.mockRestore();
    }
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const { logger: safe, records } = capture();
    expect(() => safe.info('hostile', hostile as never)).not.toThrow();
    expect(records).toHaveLength(1);
  });

  it('accepts non-object fields from untyped callers', () => {
    const { logger, records } = capture();
    logger.info('odd', 'text' as never);
    expect(records[0]?.fields).toEqual({ value: 'text' });
  });
});
