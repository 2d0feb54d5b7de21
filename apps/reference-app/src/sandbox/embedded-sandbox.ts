import { Secret } from '@kit/logger';
import {
  DEMO_CREDENTIALS,
  type SandboxBroker,
  type SandboxBrokerOptions,
  startSandboxBroker,
} from '@kit/sandbox-broker';
import type { Credentials } from '../config/app-config';

/** The demo trading key as app credentials (HMAC). */
export function demoHmacCredentials(): Credentials {
  return {
    kind: 'hmac',
    apiKey: DEMO_CREDENTIALS.trader.keyId,
    apiSecret: new Secret(DEMO_CREDENTIALS.trader.secret),
  };
}

/** The demo OAuth2 client as app credentials (its tokens can be expired by the sandbox's admin). */
export function demoOAuthCredentials(): Credentials {
  return {
    kind: 'oauth2',
    clientId: DEMO_CREDENTIALS.oauthClient.clientId,
    clientSecret: new Secret(DEMO_CREDENTIALS.oauthClient.clientSecret),
  };
}

/** Starts the embedded sandbox on a free loopback port. */
export function startEmbeddedSandbox(options: SandboxBrokerOptions): Promise<SandboxBroker> {
  return startSandboxBroker({ port: 0, host: '127.0.0.1', ...options });
}
