// The README's Quick start and pino adapter, verbatim apart from the assertions, so they cannot rot.
import { expect, it } from 'vitest';
import { createLogger, type LogFields, type Logger, redact, redactString, Secret } from '../src/index';
import { createCapturingLogger } from '../src/testing';

it('runs the README quick start', () => {
  // --- README: Quick start ---
  const lines: string[] = [];
  const apiSecret = new Secret('s3cr3t-from-config'); // registers the value for masking everywhere

  const logger = createLogger({
    name: 'orders',
    level: 'debug',
    format: 'json',
    sink: (line) => lines.push(line), // omit to write to stdout/stderr
  });
  const log = logger.child({ requestId: 'req_1' });

  log.info('order placed', {
    url: 'https://api.example/v3/order?symbol=BTCUSDT&signature=9f86d081',
    headers: { Authorization: 'Bearer eyJhbGciOi', accept: 'application/json' },
    apiSecret,
  });
  log.error(`signing failed with ${apiSecret.reveal()}`, { error: new Error('bad key s3cr3t-from-config') });
  // --- end ---
  const first = JSON.parse(lines[0] ?? '');
  expect(first).toMatchObject({
    level: 'info',
    name: 'orders',
    msg: 'order placed',
    fields: {
      requestId: 'req_1',
      url: 'https://api.example/v3/order?symbol=BTCUSDT&signature=[REDACTED]',
      headers: { Authorization: '[REDACTED]', accept: 'application/json' },
      apiSecret: '[REDACTED]',
    },
  });
  expect(lines.join('\n')).not.toContain('s3cr3t-from-config');
  expect(lines[1]).toContain('signing failed with [REDACTED]');
});

it('runs the README capturing-logger example', () => {
  // --- README: Testing ---
  const { logger, text } = createCapturingLogger();
  const token = new Secret('tok_live_0123456789');
  logger.debug(`calling with ${token.reveal()}`);
  expect(text()).not.toContain('tok_live_0123456789');
  // --- end ---
  expect(text()).toContain('calling with [REDACTED]');
});

it('runs the README pino adapter against a pino-shaped logger', () => {
  const calls: Array<[string, unknown, string]> = [];
  const fakePino = (bindings: object): PinoLike => {
    const at =
      (level: string) =>
      (obj: object, msg: string): void => {
        calls.push([level, { ...bindings, ...obj }, msg]);
      };
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => fakePino({ ...bindings, ...more }),
    };
  };
  interface PinoLike {
    debug(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
    child(bindings: object): PinoLike;
  }
  // --- README: pino adapter ---
  // biome-ignore format: the README shows this as three lines
  const fromPino = (p: PinoLike): Logger => ({
    debug: (m, f) => p.debug(safe(f), redactString(m)), info: (m, f) => p.info(safe(f), redactString(m)),
    warn: (m, f) => p.warn(safe(f), redactString(m)), error: (m, f) => p.error(safe(f), redactString(m)),
    child: (f) => fromPino(p.child(safe(f))),
  });
  const safe = (f?: LogFields): object => redact(f ?? {}) as object;
  // --- end ---
  fromPino(fakePino({})).child({ requestId: 'r1' }).warn('retrying', { token: 'abc' });
  expect(calls).toEqual([['warn', { requestId: 'r1', token: '[REDACTED]' }, 'retrying']]);
});
