import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigProblem, isConfigError, loadConfig } from '../src/index';
import { schema, tempDir, thrown } from './fixtures';

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
});
afterEach(() => files.cleanup());

function problemsOf(error: unknown): readonly ConfigProblem[] {
  if (!isConfigError(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error.problems;
}

const byPath = (problems: readonly ConfigProblem[], path: string) => problems.find((p) => p.path === path);

describe('one ConfigError for every mistake', () => {
  it('reports seven classic mistakes at once, each with its source, env var and hint', () => {
    const file = files.write('kit.json', {
      rest: { baseURL: 'https://api.example.com', maxAttempts: 0 },
      accountId: 'acct-file',
      logLevel: 'inf',
    });
    const error = thrown(() =>
      loadConfig({
        schema,
        file,
        env: {
          KIT_API_KEY: ' sk_live_whitespace_key\n',
          KIT_REST_TIMEOUT_MS: '10s',
          KIT_ACCOUNT_ID: 'acct-env',
        },
      }),
    );
    const problems = problemsOf(error);
    expect(isConfigError(error) && error.code).toBe('config.invalid');
    const message = (error as Error).message;
    // One line per problem, plus the heading.
    expect(message.split('\n')).toHaveLength(problems.length + 1);

    // 1. unknown key in the file, with "did you mean"
    expect(byPath(problems, 'rest.baseURL')).toMatchObject({
      code: 'config.unknown_key',
      source: 'file',
      hint: expect.stringContaining('Did you mean "rest.baseUrl"'),
    });
    // 2. missing required value (because of the typo), naming the env var
    expect(byPath(problems, 'rest.baseUrl')).toMatchObject({
      code: 'config.missing',
      envVar: 'KIT_REST__BASE_URL',
      hint: expect.stringContaining('KIT_REST__BASE_URL'),
    });
    // 3. number out of range
    expect(byPath(problems, 'rest.maxAttempts')).toMatchObject({
      code: 'config.invalid',
      source: 'file',
      expected: expect.stringContaining('>=1'),
      received: '0',
      hint: expect.stringContaining('out of range'),
    });
    // 4. whitespace around a key, never echoed
    const apiKey = byPath(problems, 'apiKey');
    expect(apiKey).toMatchObject({ code: 'config.invalid', source: 'env', envVar: 'KIT_API_KEY' });
    expect(apiKey?.received).toBe('<redacted, 24 chars>');
    expect(apiKey?.hint).toMatch(/whitespace|spaces/);
    // 5. unknown env var with the prefix, with "did you mean"
    expect(problems.find((p) => p.origin === 'KIT_REST_TIMEOUT_MS')).toMatchObject({
      code: 'config.unknown_key',
      hint: expect.stringContaining('Did you mean KIT_REST__TIMEOUT_MS'),
    });
    // 6. two sources that disagree on a single-source setting
    expect(byPath(problems, 'accountId')).toMatchObject({
      code: 'config.conflict',
      received: `"acct-file" from file ${file} vs "acct-env" from env KIT_ACCOUNT_ID`,
    });
    // 7. an enum typo, with "did you mean"
    expect(byPath(problems, 'logLevel')).toMatchObject({
      code: 'config.invalid',
      hint: expect.stringContaining('Did you mean "info"'),
    });
    expect(problems).toHaveLength(7);
    for (const problem of problems) expect(problem.hint.length).toBeGreaterThan(10);
    expect(message).not.toContain('sk_live_whitespace_key');
  });

  it('flags http:// for a non-loopback host and a malformed URL', () => {
    const insecure = problemsOf(
      thrown(() =>
        loadConfig({
          schema,
          env: { KIT_REST__BASE_URL: 'http://api.example.com', KIT_API_KEY: 'sk_x_1234' },
        }),
      ),
    );
    expect(insecure).toHaveLength(1);
    expect(insecure[0]).toMatchObject({ code: 'config.insecure_url', received: '"http://api.example.com"' });
    const malformed = problemsOf(
      thrown(() =>
        loadConfig({ schema, env: { KIT_REST__BASE_URL: 'api.example.com/v1', KIT_API_KEY: 'sk_x_1234' } }),
      ),
    );
    expect(malformed[0]).toMatchObject({ code: 'config.invalid', hint: expect.stringContaining('https://') });
  });

  it('uses the single problem code for a one-problem error', () => {
    const error = thrown(() => loadConfig({ schema, env: { KIT_API_KEY: 'sk_x_1234' } }));
    expect(isConfigError(error) && error.code).toBe('config.missing');
    expect(isConfigError(error) && error.hint).toContain('KIT_REST__BASE_URL');
    expect(isConfigError(error) && error.docsSlug).toBe('config-missing');
  });

  it('points at quotes kept literally around a value', () => {
    const problems = problemsOf(
      thrown(() =>
        loadConfig({
          schema,
          env: {
            KIT_REST__BASE_URL: '"https://api.example.com"',
            KIT_API_KEY: "'sk_live_quoted'",
            KIT_REST__MAX_ATTEMPTS: '"3"',
          },
        }),
      ),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(['apiKey', 'rest.baseUrl', 'rest.maxAttempts']);
    for (const problem of problems) expect(problem.hint).toMatch(/quotes/);
  });

  it('reports an env value that cannot be coerced, and a wrong type in the file', () => {
    const file = files.write('kit.json', { rest: { keepAlive: 'true', maxAttempts: '3' } });
    const problems = problemsOf(
      thrown(() =>
        loadConfig({
          schema,
          file,
          env: {
            KIT_REST__BASE_URL: 'https://a.example.com',
            KIT_API_KEY: 'sk_x_1234',
            KIT_WEIGHTS: '1,two',
          },
        }),
      ),
    );
    expect(byPath(problems, 'weights')).toMatchObject({
      source: 'env',
      expected: expect.stringContaining('number'),
    });
    expect(byPath(problems, 'rest.keepAlive')?.hint).toContain('without quotes');
    expect(byPath(problems, 'rest.maxAttempts')?.hint).toContain('without quotes');
  });

  it('accepts the same value for a single-source setting in two sources', () => {
    const file = files.write('kit.json', { accountId: 'acct-1' });
    const config = loadConfig({
      schema,
      file,
      env: {
        KIT_REST__BASE_URL: 'https://a.example.com',
        KIT_API_KEY: 'sk_x_1234',
        KIT_ACCOUNT_ID: 'acct-1',
      },
    });
    expect(config.accountId).toBe('acct-1');
  });

  it('reports unknown keys in overrides and can ignore unknown keys', () => {
    const env = { KIT_REST__BASE_URL: 'https://a.example.com', KIT_API_KEY: 'sk_x_1234', KIT_EXTRA: 'x' };
    const overrides = { rest: { maxAtempts: 2 } } as never;
    const problems = problemsOf(thrown(() => loadConfig({ schema, env, overrides })));
    expect(byPath(problems, 'rest.maxAtempts')).toMatchObject({
      source: 'override',
      hint: expect.stringContaining('rest.maxAttempts'),
    });
    expect(loadConfig({ schema, env, overrides, unknownKeys: 'ignore' }).rest.maxAttempts).toBe(3);
  });
});
