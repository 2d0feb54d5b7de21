import { describe, expect, it } from 'vitest';
import { binanceAuth, formatQuery, oauth2ClientCredentials, signBinance } from '../src/index';
import { startTokenServer, tokenBody } from './token-server';

describe('README quick start', () => {
  it('runs as written', async () => {
    const tokenServer = await startTokenServer(() => tokenBody('readme-access-token', 3600));
    const tokenUrl = tokenServer.url;
    try {
      // --- quick start (keep in sync with README.md) ---
      const signature = await signBinance(
        'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
        'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
      );

      const binance = binanceAuth({ apiKey: 'my-api-key', apiSecret: 'my-api-secret' });
      const signed = await binance.authenticate({
        method: 'GET',
        url: 'https://api.binance.com/api/v3/account',
        path: '/api/v3/account',
        query: [['omitZeroBalances', 'true']],
        headers: {},
      });
      const url = `${signed.url}?${formatQuery(signed.query)}`;

      const oauth = oauth2ClientCredentials({
        tokenUrl,
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
      // --- end of quick start ---

      expect(signature).toBe('c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
      expect(url).toMatch(
        /^https:\/\/api\.binance\.com\/api\/v3\/account\?omitZeroBalances=true&recvWindow=5000&timestamp=\d+&signature=[0-9a-f]{64}$/,
      );
      expect(signed.headers['X-MBX-APIKEY']).toBe('my-api-key');
      expect(withToken.headers.Authorization).toBe('Bearer readme-access-token');
      expect(tokenServer.requests[0]?.params.get('scope')).toBe('orders:read');
    } finally {
      await tokenServer.close();
    }
  });
});
