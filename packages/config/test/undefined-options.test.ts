// An option passed as `undefined` means its documented default, for every public option: a caller
// who writes `{ file: flags.config }` with the flag unset gets the default, not another behaviour.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineConfig, httpsUrl, isConfigError, loadConfig, secret, url } from '../src/index';

const schema = v.object({
  port: v.optional(v.number(), 8080),
  apiKey: v.optional(secret()),
  baseUrl: v.optional(url()),
});

const everyOptionUndefined = {
  file: undefined,
  allowMissingFile: undefined,
  env: undefined,
  envPrefix: undefined,
  defaults: undefined,
  overrides: undefined,
  unknownKeys: undefined,
  ignoreEnvVars: undefined,
  readFile: undefined,
};

describe('loadConfig with every option undefined', () => {
  it('reads process.env under KIT_, no file, schema defaults, and rejects unknown KIT_ variables', () => {
    const saved = { ...process.env };
    try {
      process.env.KIT_PORT = '9090';
      process.env.KIT_LOG_LEVEL = 'debug'; // ignored by default: @kit/logger reads it
      const config = loadConfig({ schema, ...everyOptionUndefined });
      expect(config.port).toBe(9090);
      process.env.KIT_NOT_A_SETTING = '1';
      expect(() => loadConfig({ schema, ...everyOptionUndefined })).toThrow(
        expect.objectContaining({ code: 'config.unknown_key' }),
      );
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('fails on a missing file when allowMissingFile is undefined (default false)', () => {
    let caught: unknown;
    try {
      loadConfig({ schema, env: {}, file: '/nonexistent/kit-config.json', allowMissingFile: undefined });
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
  });
});

describe('defineConfig().load() with options undefined', () => {
  it('keeps the definition’s own settings: undefined overrides nothing', () => {
    const app = defineConfig({ schema, envPrefix: 'APP_', env: { APP_PORT: '7000' } });
    expect(app.load().port).toBe(7000);
    expect(app.load({ ...everyOptionUndefined }).port).toBe(7000);
    expect(app.load({ env: undefined, envPrefix: undefined }).port).toBe(7000);
  });

  it('still lets a defined option override the definition', () => {
    const app = defineConfig({ schema, envPrefix: 'APP_', env: { APP_PORT: '7000' } });
    expect(app.load({ env: { APP_PORT: '7001' } }).port).toBe(7001);
  });
});

describe('schema helpers with options undefined', () => {
  it('secret({ trim: undefined }) does not trim (default false)', () => {
    expect(() => v.parse(secret({ trim: undefined }), ' padded ')).toThrow();
    expect(v.parse(secret({ trim: undefined }), 'ok-secret').reveal()).toBe('ok-secret');
  });

  it('url({ protocols: undefined }) accepts http and https only', () => {
    expect(v.parse(url({ protocols: undefined }), 'http://127.0.0.1:1/x')).toBe('http://127.0.0.1:1/x');
    expect(() => v.parse(url({ protocols: undefined }), 'ftp://127.0.0.1/x')).toThrow();
    expect(v.parse(httpsUrl(undefined), 'https://api.example.com/')).toBe('https://api.example.com/');
  });
});
