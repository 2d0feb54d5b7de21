// Every credential kit derives from a secret is registered for redaction the moment it exists, so a
// server that echoes the request (a debugging proxy, a misbehaving identity provider or venue)
// cannot put it into an error's message, `toJSON()`, `util.inspect` or a log line. The echoing
// token endpoint is a real loopback node:http server.
import { inspect } from 'node:util';
import { isKitError, KitError } from '@kit/errors';
import { createCapturingLogger } from '@kit/logger/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRequest, AuthStrategy } from '../src/auth-strategy';
import { binanceAuth, signBinance } from '../src/binance-auth';
import { coinbaseAuth, signCoinbase } from '../src/coinbase-auth';
import { hmac } from '../src/hmac';
import { hmacAuth } from '../src/hmac-auth';
import { krakenAuth, signKraken } from '../src/kraken-auth';
import {
  type OAuth2ClientCredentialsOptions,
  oauth2ClientCredentials,
} from '../src/oauth2-client-credentials';
import { startTokenServer, type TokenServer } from './token-server';

const CLIENT_ID = 'derived-client-id';
// `+`, `/`, `=`, `&` and a space: the form-encoded secret differs from the raw one.
const CLIENT_SECRET = 'derived+client/secret=1& x';
const REFRESH_TOKEN = 'derived+refresh/token=2';

const request: AuthRequest = {
  method: 'GET',
  url: 'https://api.example.com/v1/orders',
  path: '/v1/orders',
  query: [],
  headers: {},
};

let server: TokenServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function basicValue(id: string, secret: string): string {
  const form = (value: string) => new URLSearchParams([['v', value]]).toString().slice(2);
  return Buffer.from(`${form(id)}:${form(secret)}`, 'utf8').toString('base64');
}

/** Everything an error can be shown as: message, String, JSON, inspect, and a logged line. */
function everyView(error: unknown): string {
  const { logger, text } = createCapturingLogger({ level: 'debug' });
  logger.error('token request failed', { error });
  return [
    (error as Error).message,
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 20 }),
    text(),
  ].join('\n');
}

async function echoFailure(extra: Partial<OAuth2ClientCredentialsOptions>): Promise<KitError> {
  // An identity provider that quotes the whole request back in its error description.
  server = await startTokenServer((seen) => ({
    status: 400,
    json: {
      error: 'invalid_request',
      error_description: `received authorization=${seen.headers.authorization ?? '-'} body=${seen.params.toString()}`,
    },
  }));
  const auth = oauth2ClientCredentials({
    tokenUrl: server.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    retry: { maxAttempts: 1 },
    ...extra,
  });
  try {
    await auth.authenticate(request);
  } catch (error) {
    if (isKitError(error)) return error;
    throw error;
  }
  throw new Error('expected the token request to fail');
}

describe('an echoing token endpoint cannot leak what kit derived', () => {
  it('client_secret_basic: the Basic value is masked in message, JSON, inspect and logs', async () => {
    const error = await echoFailure({});
    const basic = basicValue(CLIENT_ID, CLIENT_SECRET);
    expect(server?.requests[0]?.headers.authorization).toBe(`Basic ${basic}`);
    const views = everyView(error);
    expect(views).toContain('received authorization=[REDACTED] body=grant_type=client_credentials');
    expect(views).not.toContain(basic);
    expect(views).not.toContain(CLIENT_SECRET);
  });

  it('client_secret_post: the form-encoded secret in the echoed body is masked', async () => {
    const error = await echoFailure({ authMethod: 'client_secret_post' });
    const encoded = new URLSearchParams([['s', CLIENT_SECRET]]).toString().slice(2);
    expect(server?.requests[0]?.params.get('client_secret')).toBe(CLIENT_SECRET);
    const views = everyView(error);
    expect(views).toContain('client_id=derived-client-id');
    expect(views).not.toContain(encoded);
    expect(views).not.toContain(CLIENT_SECRET);
  });

  it('refresh_token grant: the form-encoded refresh token in the echoed body is masked', async () => {
    // The refresh grant fails, then client credentials (also echoed) are tried.
    const error = await echoFailure({ refreshToken: REFRESH_TOKEN });
    expect(server?.requests[0]?.params.get('refresh_token')).toBe(REFRESH_TOKEN);
    const encoded = new URLSearchParams([['r', REFRESH_TOKEN]]).toString().slice(2);
    const views = everyView(error);
    expect(views).not.toContain(encoded);
    expect(views).not.toContain(REFRESH_TOKEN);
  });

  it('a token it receives is masked at once, also its URL-encoded form', async () => {
    const token = 'derived-access/token+3==';
    server = await startTokenServer(() => ({ json: { access_token: token, token_type: 'Bearer' } }));
    const auth = oauth2ClientCredentials({
      tokenUrl: server.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    await auth.authenticate(request);
    const echoed = new KitError('auth.expired_token', {
      message: `venue: token ${token} (in a URL: ?t=${encodeURIComponent(token)}) expired`,
    });
    const views = everyView(echoed);
    expect(views).not.toContain(token);
    expect(views).not.toContain(encodeURIComponent(token));
  });
});

/** What each signing strategy puts on the wire that is derived from the secret. */
const signers: Array<[string, AuthStrategy, (signed: AuthRequest) => string[]]> = [
  [
    'binance (query signature)',
    binanceAuth({ apiKey: 'derived-bn-key-1111', apiSecret: 'derived-bn-secret-2222' }),
    (signed) => [signed.query.find(([name]) => name === 'signature')?.[1] ?? ''],
  ],
  [
    'kraken (API-Sign, base64)',
    krakenAuth({ apiKey: 'derived-kr-key-3333', apiSecret: btoa('derived-kr-secret-4444') }),
    (signed) => [signed.headers['API-Sign'] ?? ''],
  ],
  [
    'coinbase (CB-ACCESS-SIGN, base64)',
    coinbaseAuth({
      apiKey: 'derived-cb-key-5555',
      apiSecret: btoa('derived-cb-secret-6666'),
      passphrase: 'derived-pass-7777',
    }),
    (signed) => [signed.headers['CB-ACCESS-SIGN'] ?? ''],
  ],
  [
    'hmac (base64 signature in the query)',
    hmacAuth({
      apiKey: 'derived-hm-key-8888',
      apiSecret: 'derived-hm-secret-9999',
      signatureEncoding: 'base64',
      signaturePlacement: { in: 'query', name: 'sig' },
    }),
    (signed) => {
      const signature = signed.query.find(([name]) => name === 'sig')?.[1] ?? '';
      return [signature, encodeURIComponent(signature)];
    },
  ],
];

describe('signatures are registered the moment they are made', () => {
  it.each(signers)(
    '%s: a venue echoing the signature in free text cannot print it',
    async (_name, auth, pick) => {
      for (let i = 0; i < 3; i++) {
        const signed = await auth.authenticate({ ...request, method: 'POST', body: `qty=${i}` });
        const derived = pick(signed).filter((value) => value !== '');
        expect(derived.length).toBeGreaterThan(0);
        // No key names around it: only registration can mask it.
        const echoed = new KitError('auth.invalid_signature', {
          message: `venue says: ${derived.join(' and ')} does not match`,
        });
        const views = everyView(echoed);
        for (const value of derived) expect(views).not.toContain(value);
      }
    },
  );

  it('the public signing helpers register what they return', async () => {
    const outputs = [
      await signBinance('derived-helper-secret-1', 'symbol=BTCUSDT&timestamp=1'),
      await signKraken(btoa('derived-helper-secret-2'), '/0/private/Balance', 1, 'nonce=1'),
      await signCoinbase(btoa('derived-helper-secret-3'), '1', 'GET', '/orders'),
      await hmac('SHA-256', 'derived-helper-secret-4', 'payload', 'base64'),
    ];
    const views = everyView(new KitError('auth.invalid_signature', { message: outputs.join(' | ') }));
    for (const value of outputs) expect(views).not.toContain(value);
  });
});
