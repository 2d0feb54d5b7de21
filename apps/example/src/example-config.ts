import { defineConfig, duration, httpsUrl, secret } from '@kit/config';
import * as v from 'valibot';

/** A demo key used when KIT_EXAMPLE_API_KEY is not set. Not a real credential. */
const DEMO_API_KEY = 'demo_key_0123456789abcdef';

/** The example's settings: every one can be set through KIT_EXAMPLE_* variables. */
export const exampleConfig = defineConfig({
  schema: v.object({
    apiKey: v.optional(secret(), DEMO_API_KEY),
    rest: v.object({
      baseUrl: v.optional(httpsUrl(), 'https://api.example.com'),
      timeoutMs: v.optional(duration(), '2s'),
    }),
  }),
  envPrefix: 'KIT_EXAMPLE_',
});
