// Cross-field rules with a hint: configCheck on the object's pipe, reported like any other problem.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { configCheck, defineConfig, isConfigError, loadConfig, secret } from '../src/index';

const credentials = v.pipe(
  v.object({
    apiKey: v.optional(secret()),
    apiSecret: v.optional(secret()),
    clientId: v.optional(v.string()),
    clientSecret: v.optional(secret()),
  }),
  configCheck(
    (c) => {
      const pair = (a: unknown, b: unknown) => (a === undefined) === (b === undefined);
      const key = c.apiKey !== undefined || c.apiSecret !== undefined;
      const client = c.clientId !== undefined || c.clientSecret !== undefined;
      return pair(c.apiKey, c.apiSecret) && pair(c.clientId, c.clientSecret) && key !== client;
    },
    {
      expected: 'apiKey with apiSecret, or clientId with clientSecret',
      hint: 'Set KIT_AUTH__API_KEY and KIT_AUTH__API_SECRET together, or KIT_AUTH__CLIENT_ID and KIT_AUTH__CLIENT_SECRET.',
    },
  ),
);
const schema = v.object({ auth: credentials });

function problems(env: Record<string, string>) {
  try {
    loadConfig({ schema, env });
  } catch (error) {
    if (isConfigError(error)) return error.problems;
    throw error;
  }
  return [];
}

describe('configCheck', () => {
  it('reports a broken cross-field rule at the object with its expectation and hint, and no secret', () => {
    const found = problems({ KIT_AUTH__API_KEY: 'sk_live_do_not_print_me' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      path: 'auth',
      code: 'config.invalid',
      expected: 'apiKey with apiSecret, or clientId with clientSecret',
      hint: expect.stringContaining('KIT_AUTH__API_SECRET together'),
    });
    expect(JSON.stringify(found)).not.toContain('sk_live_do_not_print_me');
  });

  it('passes a complete pair and takes a code from the catalogue', () => {
    expect(problems({ KIT_AUTH__CLIENT_ID: 'app', KIT_AUTH__CLIENT_SECRET: 's3cret-value' })).toEqual([]);
    const strict = v.object({
      port: v.pipe(
        v.number(),
        configCheck((port: number) => port !== 0, {
          code: 'config.missing',
          expected: 'a fixed port',
          hint: 'Set KIT_PORT.',
        }),
      ),
    });
    const config = defineConfig({ schema: strict });
    try {
      config.load({ env: { KIT_PORT: '0' } });
      expect.unreachable('port 0 should fail');
    } catch (error) {
      expect(isConfigError(error) && error.problems[0]).toMatchObject({
        path: 'port',
        code: 'config.missing',
      });
    }
  });
});
