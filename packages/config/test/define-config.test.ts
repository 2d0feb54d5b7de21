import { isKitError } from '@kit/errors';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineConfig, describeConfig, isConfigError, singleSource } from '../src/index';
import { schema, thrown } from './fixtures';

describe('defineConfig', () => {
  it('loads with per-call options merged over the definition', () => {
    const definition = defineConfig({
      schema,
      envPrefix: 'APP',
      env: { APP_REST__BASE_URL: 'https://a.example.com', APP_API_KEY: 'sk_1234' },
    });
    expect(definition.load().rest.baseUrl).toBe('https://a.example.com');
    expect(definition.load({ overrides: { rest: { maxAttempts: 2 } } }).rest.maxAttempts).toBe(2);
    expect(definition.describe()[0]?.envVar).toBe('APP_REST__BASE_URL');
  });

  it('rejects, at definition time, settings that would share an env var', () => {
    const clash = v.object({ baseUrl: v.string(), base_url: v.string() });
    const error = thrown(() => defineConfig({ schema: clash }));
    expect(isKitError(error, 'config.invalid')).toBe(true);
    expect((error as Error).message).toContain('KIT_BASE_URL');
    const reserved = thrown(() => defineConfig({ schema: v.object({ configFile: v.string() }) }));
    expect((reserved as Error).message).toContain('KIT_CONFIG_FILE');
  });
});

describe('describeConfig', () => {
  it('lists every setting with its env var, type, default and flags', () => {
    const fields = describeConfig(schema);
    expect(fields.map((field) => field.path)).toEqual([
      'rest.baseUrl',
      'rest.timeoutMs',
      'rest.maxAttempts',
      'rest.keepAlive',
      'apiKey',
      'accountId',
      'logLevel',
      'symbols',
      'weights',
      'headers',
    ]);
    expect(fields.find((field) => field.path === 'rest.timeoutMs')).toEqual({
      path: 'rest.timeoutMs',
      envVar: 'KIT_REST__TIMEOUT_MS',
      type: 'duration (ms)',
      required: false,
      default: '30s',
      secret: false,
      singleSource: false,
    });
    expect(fields.find((field) => field.path === 'rest.baseUrl')).toMatchObject({
      type: 'https URL',
      required: true,
    });
    expect(fields.find((field) => field.path === 'accountId')).toMatchObject({
      singleSource: true,
      required: false,
    });
    expect(fields.find((field) => field.path === 'logLevel')?.type).toBe(
      '"debug" | "info" | "warn" | "error"',
    );
  });

  it('carries valibot descriptions', () => {
    const described = v.object({ region: v.pipe(v.string(), v.description('Data-centre region')) });
    expect(describeConfig(described, 'X_')[0]).toMatchObject({
      envVar: 'X_REGION',
      description: 'Data-centre region',
    });
  });

  it('supports loose objects whose extra keys pass through', () => {
    const loose = v.object({
      extra: v.looseObject({ known: v.optional(v.string(), 'k') }),
      flag: singleSource(v.boolean()),
    });
    const definition = defineConfig({ schema: loose, env: { KIT_FLAG: 'true' } });
    const config = definition.load({ overrides: { extra: { other: 1 } as never } });
    expect(config.extra).toEqual({ known: 'k', other: 1 });
    expect(isConfigError(thrown(() => definition.load({ env: {} })))).toBe(true);
  });
});
