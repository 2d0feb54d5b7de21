// The README's quick start is the code between the markers, kept verbatim so it cannot rot.
// README:start quick start
import { defineConfig, duration, httpsUrl, secret, singleSource } from '@kit/config';
import * as v from 'valibot';

const appConfig = defineConfig({
  schema: v.object({
    rest: v.object({
      baseUrl: httpsUrl(),
      timeoutMs: v.optional(duration(), '30s'),
      maxAttempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
    }),
    apiKey: secret(),
    accountId: v.optional(singleSource(v.string())),
    symbols: v.optional(v.array(v.string()), ['BTC-USD']),
  }),
  envPrefix: 'KIT_',
});

// In an application, omit `env` to read process.env.
const config = appConfig.load({
  env: {
    KIT_REST__BASE_URL: 'https://api.example.com',
    KIT_REST__TIMEOUT_MS: '10s',
    KIT_API_KEY: 'sk_test_readme_example',
    KIT_SYMBOLS: 'BTC-USD,ETH-USD',
  },
});

config.rest.timeoutMs; // 10000
config.symbols; // ['BTC-USD', 'ETH-USD']
String(config.apiKey); // '[REDACTED]'
config.apiKey.reveal(); // 'sk_test_readme_example'

// README:end

import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';

it('runs the README quick start', () => {
  expect(config.rest.timeoutMs).toBe(10_000);
  expect(config.symbols).toEqual(['BTC-USD', 'ETH-USD']);
  expect(String(config.apiKey)).toBe('[REDACTED]');
  expect(config.apiKey.reveal()).toBe('sk_test_readme_example');
  expect(appConfig.describe().map((field) => field.envVar)).toContain('KIT_REST__BASE_URL');
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
