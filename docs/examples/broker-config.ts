// The configuration every example shares: where the broker is and the credentials, from the
// environment (BROKER_BASE_URL, BROKER_WS_URL, BROKER_API_KEY, BROKER_API_SECRET) or ./broker.json.
import { defineConfig, httpsUrl, secret } from '@kit/config';
import * as v from 'valibot';

export const brokerConfig = defineConfig({
  schema: v.object({
    baseUrl: httpsUrl(), // https:// required, except for 127.0.0.1, ::1 and localhost
    wsUrl: httpsUrl({ protocols: ['wss:', 'ws:'] }),
    apiKey: secret(),
    apiSecret: secret(),
  }),
  envPrefix: 'BROKER_',
});
