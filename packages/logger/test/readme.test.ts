// The README's code, verbatim between the markers, with its comments as assertions below.
// README:start quick start
import { createLogger, Secret } from '@kit/logger';

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

// README:end

// README:start testing
import { createCapturingLogger } from '@kit/logger/testing';

const capture = createCapturingLogger();
const token = new Secret('tok_live_0123456789');
capture.logger.debug(`calling with ${token.reveal()}`);
expect(capture.text()).not.toContain('tok_live_0123456789');

// README:end

import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';
import { type LogFields, type Logger, redact, redactString } from '../src/index';

/** The part of pino's logger the adapter uses (pino itself is not a dependency of kit). */
declare namespace pino {
  interface Logger {
    debug(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
    child(bindings: object): Logger;
    isLevelEnabled(level: string): boolean;
  }
}

// README:start pino adapter
const fromPino = (p: pino.Logger): Logger => ({
  debug: (m, f) => p.debug(safe(f), redactString(m)),
  info: (m, f) => p.info(safe(f), redactString(m)),
  warn: (m, f) => p.warn(safe(f), redactString(m)),
  error: (m, f) => p.error(safe(f), redactString(m)),
  child: (f) => fromPino(p.child(safe(f))),
  // Optional: lets kit skip building fields for lines that would be dropped (pino's own check).
  isLevelEnabled: (level) => level !== 'silent' && p.isLevelEnabled(level),
});
const safe = (f?: LogFields): object => redact(f ?? {}) as object;

// README:end

it('runs the README quick start', () => {
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
  expect(log).toBeDefined();
});

it('runs the README capturing-logger example', () => {
  expect(capture.text()).toContain('calling with [REDACTED]');
});

it('runs the README pino adapter against a pino-shaped logger', () => {
  const calls: Array<[string, unknown, string]> = [];
  const fakePino = (bindings: object): pino.Logger => {
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
      isLevelEnabled: (level) => level !== 'debug',
    };
  };
  const adapted = fromPino(fakePino({}));
  adapted.child({ requestId: 'r1' }).warn('retrying', { token: 'abc' });
  expect(calls).toEqual([['warn', { requestId: 'r1', token: '[REDACTED]' }, 'retrying']]);
  expect(adapted.isLevelEnabled?.('debug')).toBe(false);
  expect(adapted.isLevelEnabled?.('silent')).toBe(false);
  expect(adapted.isLevelEnabled?.('warn')).toBe(true);
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(3);
});
