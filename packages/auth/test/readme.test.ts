// The README's quick start, verbatim between the markers, run against a loopback token endpoint
// (`tokenUrl`, which the README leaves to the reader), with its comments as assertions below.
import { expectReadmeShows } from '@kit/vitest-config/readme';
import { afterAll, expect, it } from 'vitest';
import { startTokenServer, tokenBody } from './token-server';

const tokenServer = await startTokenServer(() => tokenBody('readme-access-token', 3600));
afterAll(() => tokenServer.close());
const tokenUrl = tokenServer.url;

// README:start quick start
import { binanceAuth, formatQuery, oauth2ClientCredentials, signBinance } from '@kit/auth';

// 1. Pure signing function: Binance's published example reproduces exactly.
const signature = await signBinance(
  'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
);
// signature === 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71'

// 2. A strategy: adds recvWindow, timestamp, then signature (last) and the X-MBX-APIKEY header.
const binance = binanceAuth({ apiKey: 'my-api-key', apiSecret: 'my-api-secret' });
const signed = await binance.authenticate({
  method: 'GET',
  url: 'https://api.binance.com/api/v3/account',
  path: '/api/v3/account',
  query: [['omitZeroBalances', 'true']],
  headers: {},
});
const url = `${signed.url}?${formatQuery(signed.query)}`; // serialise with formatQuery: it is what was signed

// 3. OAuth2 client credentials: cached token, background refresh, one request in flight.
const oauth = oauth2ClientCredentials({
  tokenUrl, // e.g. 'https://idp.example.com/oauth/token'
  clientId: 'my-client',
  clientSecret: 'my-client-secret',
  scope: ['orders:read'],
});
const withToken = await oauth.authenticate({
  method: 'GET',
  url: 'https://api.example.com/v1/orders',
  path: '/v1/orders',
  query: [],
  headers: {},
});
// withToken.headers.Authorization === 'Bearer <access token>'
// README:end

it('runs the README quick start', () => {
  expect(signature).toBe('c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
  expect(url).toMatch(
    /^https:\/\/api\.binance\.com\/api\/v3\/account\?omitZeroBalances=true&recvWindow=5000&timestamp=\d+&signature=[0-9a-f]{64}$/,
  );
  expect(signed.headers['X-MBX-APIKEY']).toBe('my-api-key');
  expect(withToken.headers.Authorization).toBe('Bearer readme-access-token');
  expect(tokenServer.requests[0]?.params.get('scope')).toBe('orders:read');
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
