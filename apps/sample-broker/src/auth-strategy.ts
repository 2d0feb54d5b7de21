// Credentials -> an @kit/auth strategy: OAuth2 client credentials when a client pair is configured,
// else HMAC request signing (hmacAuth's defaults are the sandbox's scheme byte for byte) on a clock
// that follows the server's. For another broker: pick its preset (binanceAuth, coinbaseAuth, ...)
// or describe its scheme with hmacAuth's options, and point the token URL at its endpoint.
import { type AuthStrategy, createServerClock, hmacAuth, oauth2ClientCredentials } from '@kit/auth';
import { noopLogger } from '@kit/logger';
import type { RestClient } from '@kit/rest-client';
import { endpoints } from './endpoints';
import type { SampleBrokerConfig, SampleBrokerOptions } from './types';

/** The strategy for the configured credentials (the config check guarantees one complete pair). @internal */
export function createAuth(
  config: SampleBrokerConfig,
  options: Pick<SampleBrokerOptions, 'logger' | 'random' | 'tokenCache' | 'tokenCacheKey'>,
  publicRest: RestClient,
): AuthStrategy {
  const logger = options.logger ?? noopLogger;
  if (config.clientId !== undefined && config.clientSecret !== undefined) {
    return oauth2ClientCredentials({
      tokenUrl: `${config.baseUrl.replace(/\/+$/, '')}/oauth/token`,
      clientId: config.clientId.reveal(),
      clientSecret: config.clientSecret,
      logger,
      random: options.random,
      tokenCache: options.tokenCache,
      tokenCacheKey: options.tokenCacheKey,
    });
  }
  // HMAC timestamps must sit inside the broker's window: follow the server's clock, and re-measure
  // it once when the broker says the timestamp was outside (then the request is sent once more).
  const clock = createServerClock({
    fetchServerTime: async (signal) =>
      (await publicRest.call(endpoints.getTime, undefined, { signal })).data.serverTime,
    logger,
  });
  const hmac = hmacAuth({
    apiKey: config.apiKey as NonNullable<SampleBrokerConfig['apiKey']>,
    apiSecret: config.apiSecret as NonNullable<SampleBrokerConfig['apiSecret']>,
    clock,
  });
  const strategy: AuthStrategy = {
    name: 'hmac:sample-broker',
    authenticate: (request) => hmac.authenticate(request),
    async onUnauthorized(error) {
      if (error.code !== 'auth.clock_skew') return false;
      await clock.sync();
      return true;
    },
  };
  return strategy;
}
