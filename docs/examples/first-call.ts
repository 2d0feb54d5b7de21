// Your first REST call: signed with HMAC, retried safely, schema-checked.
import { hmacAuth } from '@kit/auth';
import { isKitError } from '@kit/errors';
import { createLogger } from '@kit/logger';
import { createRestClient, defineEndpoint } from '@kit/rest-client';
import * as v from 'valibot';
import { brokerConfig } from './broker-config';

const config = brokerConfig.load(); // throws one ConfigError listing every problem
const logger = createLogger({ name: 'first-call', level: 'warn' });

const client = createRestClient({
  baseUrl: config.baseUrl,
  auth: hmacAuth({ apiKey: config.apiKey, apiSecret: config.apiSecret }),
  logger,
});

const Account = v.object({
  id: v.string(),
  currency: v.string(),
  cash: v.string(),
  buyingPower: v.string(),
  equity: v.string(),
});
const getAccount = defineEndpoint({ method: 'GET', path: '/account', response: Account });

const Quote = v.object({
  symbol: v.string(),
  bid: v.string(),
  ask: v.string(),
  last: v.string(),
  time: v.number(),
});
const getQuote = defineEndpoint({ method: 'GET', path: '/quotes/{symbol}', response: Quote });

try {
  const account = await client.call(getAccount);
  console.log(`account ${account.data.id}: ${account.data.cash} ${account.data.currency} cash`);
  console.log(
    `  status ${account.status}, request id ${account.requestId ?? '-'}, attempts ${account.attempts}`,
  );

  const { data: quote } = await client.call(getQuote, { params: { symbol: 'AAPL' } });
  console.log(`quote ${quote.symbol}: bid ${quote.bid}, ask ${quote.ask}, last ${quote.last}`);
} catch (error) {
  if (isKitError(error)) console.error(`${error.code}: ${error.message}\n  hint: ${error.hint}`);
  process.exitCode = 1;
}
