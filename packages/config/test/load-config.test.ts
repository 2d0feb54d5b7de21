import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isConfigError, loadConfig } from '../src/index';
import { schema, tempDir, thrown } from './fixtures';

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
});
afterEach(() => files.cleanup());

const required = { KIT_REST__BASE_URL: 'https://api.example.com', KIT_API_KEY: 'sk_test_layers_1234' };

describe('loadConfig layers', () => {
  it('applies schema defaults when nothing else is given', () => {
    const config = loadConfig({ schema, env: required });
    expect(config.rest).toEqual({
      baseUrl: 'https://api.example.com',
      timeoutMs: 30_000,
      maxAttempts: 3,
      keepAlive: true,
    });
    expect(config.logLevel).toBe('info');
    expect(config.symbols).toEqual(['BTC-USD']);
  });

  it('layers defaults < file < env < overrides, per setting', () => {
    const file = files.write('kit.json', {
      rest: { baseUrl: 'https://file.example.com', maxAttempts: 5, timeoutMs: '10s' },
      logLevel: 'warn',
    });
    const config = loadConfig({
      schema,
      file,
      defaults: { rest: { maxAttempts: 4, keepAlive: false }, logLevel: 'debug', symbols: ['ETH-USD'] },
      env: { KIT_API_KEY: 'sk_test_layers_1234', KIT_REST__MAX_ATTEMPTS: '6', KIT_LOG_LEVEL: 'error' },
      overrides: { rest: { maxAttempts: 7 } },
    });
    expect(config.rest.baseUrl).toBe('https://file.example.com'); // file over schema (none)
    expect(config.rest.timeoutMs).toBe(10_000); // file over schema default
    expect(config.rest.keepAlive).toBe(false); // defaults option over schema default
    expect(config.rest.maxAttempts).toBe(7); // override over env over file over defaults
    expect(config.logLevel).toBe('error'); // env over file: logLevel shares KIT_LOG_LEVEL with @kit/logger
    expect(config.symbols).toEqual(['ETH-USD']);
  });

  it('lets env win over the file and overrides win over env', () => {
    const file = files.write('kit.json', { rest: { baseUrl: 'https://file.example.com' } });
    const fromEnv = loadConfig({ schema, file, env: { ...required } });
    expect(fromEnv.rest.baseUrl).toBe('https://api.example.com');
    const overridden = loadConfig({
      schema,
      file,
      env: required,
      overrides: { rest: { baseUrl: 'http://127.0.0.1:9' } },
    });
    expect(overridden.rest.baseUrl).toBe('http://127.0.0.1:9');
  });

  it('reads the file named by <PREFIX>CONFIG_FILE, which wins over the file option', () => {
    const chosen = files.write('chosen.json', {
      rest: { baseUrl: 'https://chosen.example.com' },
      apiKey: 'sk_test_file_key',
    });
    const other = files.write('other.json', { rest: { baseUrl: 'https://other.example.com' } });
    const config = loadConfig({ schema, file: other, env: { APP_CONFIG_FILE: chosen }, envPrefix: 'APP' });
    expect(config.rest.baseUrl).toBe('https://chosen.example.com');
    expect(config.apiKey.reveal()).toBe('sk_test_file_key');
  });

  it('tolerates a missing default file only when allowed', () => {
    const missing = `${files.dir}/absent.json`;
    expect(
      loadConfig({ schema, file: missing, allowMissingFile: true, env: required }).rest.maxAttempts,
    ).toBe(3);
    const error = thrown(() => loadConfig({ schema, file: missing, env: required }));
    expect(isConfigError(error) && error.code).toBe('config.unreadable');
  });

  it('reports malformed JSON by position without echoing the file', () => {
    const file = files.write(
      'broken.json',
      '{\n  "apiKey": "sk_live_never_printed",\n  "rest": { "baseUrl": }\n}',
    );
    const error = thrown(() => loadConfig({ schema, file, env: required }));
    expect(isConfigError(error) && error.code).toBe('config.unreadable');
    expect((error as Error).message).toMatch(/line 3/);
    expect((error as Error).message).not.toContain('sk_live_never_printed');
  });

  it('ignores a $schema key in the file and empty env vars', () => {
    const file = files.write('kit.json', {
      $schema: './kit.schema.json',
      rest: { baseUrl: 'https://f.example.com' },
    });
    const config = loadConfig({
      schema,
      file,
      env: { KIT_API_KEY: 'sk_test_layers_1234', KIT_REST__BASE_URL: '' },
    });
    expect(config.rest.baseUrl).toBe('https://f.example.com');
  });

  it('sets a whole object from one JSON env var, with leaf vars on top', () => {
    const config = loadConfig({
      schema,
      env: {
        KIT_API_KEY: 'sk_test_layers_1234',
        KIT_REST: '{"baseUrl":"https://json.example.com","maxAttempts":2}',
        KIT_REST__MAX_ATTEMPTS: '8',
      },
    });
    expect(config.rest.baseUrl).toBe('https://json.example.com');
    expect(config.rest.maxAttempts).toBe(8);
  });
});

describe('loadConfig env coercion', () => {
  it('coerces numbers, booleans, durations, lists and JSON records', () => {
    const config = loadConfig({
      schema,
      env: {
        ...required,
        KIT_REST__MAX_ATTEMPTS: '9',
        KIT_REST__KEEP_ALIVE: 'no',
        KIT_REST__TIMEOUT_MS: '2m',
        KIT_SYMBOLS: 'BTC-USD, ETH-USD',
        KIT_WEIGHTS: '1,2.5,10',
        KIT_HEADERS: '{"x-team":"payments"}',
      },
    });
    expect(config.rest.maxAttempts).toBe(9);
    expect(config.rest.keepAlive).toBe(false);
    expect(config.rest.timeoutMs).toBe(120_000);
    expect(config.symbols).toEqual(['BTC-USD', 'ETH-USD']);
    expect(config.weights).toEqual([1, 2.5, 10]);
    expect(config.headers).toEqual({ 'x-team': 'payments' });
  });

  it('reads durations given as a bare number of milliseconds', () => {
    expect(loadConfig({ schema, env: { ...required, KIT_REST__TIMEOUT_MS: '1500' } }).rest.timeoutMs).toBe(
      1500,
    );
  });
});

describe('loadConfig result', () => {
  it('is deeply frozen', () => {
    const config = loadConfig({ schema, env: required });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.rest)).toBe(true);
    expect(Object.isFrozen(config.symbols)).toBe(true);
    expect(() => {
      (config.rest as { maxAttempts: number }).maxAttempts = 99;
    }).toThrow(TypeError);
    expect(() => (config.symbols as string[]).push('X')).toThrow(TypeError);
  });

  it('reads process.env when no env is given', () => {
    const before = { ...process.env };
    try {
      process.env.KITPROC_REST__BASE_URL = 'https://proc.example.com';
      process.env.KITPROC_API_KEY = 'sk_test_from_process';
      expect(loadConfig({ schema, envPrefix: 'KITPROC_' }).rest.baseUrl).toBe('https://proc.example.com');
    } finally {
      delete process.env.KITPROC_REST__BASE_URL;
      delete process.env.KITPROC_API_KEY;
      expect(process.env).toEqual(before);
    }
  });
});
