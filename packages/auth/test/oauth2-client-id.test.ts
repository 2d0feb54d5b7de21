// `clientId` accepts a Secret as well as a string (e.g. straight from @kit/config's secret()).
import { inspect } from 'node:util';
import { isKitError } from '@kit/errors';
import { Secret } from '@kit/logger';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRequest } from '../src/auth-strategy';
import { oauth2ClientCredentials } from '../src/oauth2-client-credentials';
import { startTokenServer, type TokenServer, tokenBody } from './token-server';

const request: AuthRequest = {
  method: 'GET',
  url: 'https://api.example.com/v1',
  path: '/v1',
  query: [],
  headers: {},
};

let server: TokenServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('oauth2ClientCredentials: clientId as a Secret', () => {
  it.each(['client_secret_post', 'client_secret_basic'] as const)(
    'sends the revealed id with %s, the same as a string id',
    async (authMethod) => {
      server = await startTokenServer(() => tokenBody('at-client-id-1', 3600));
      for (const clientId of [new Secret('client-from-vault'), 'client-from-vault']) {
        const auth = oauth2ClientCredentials({
          tokenUrl: server.url,
          clientId,
          clientSecret: 'cs-client-id-0123',
          authMethod,
        });
        const signed = await auth.authenticate(request);
        expect(signed.headers.Authorization).toBe('Bearer at-client-id-1');
      }
      expect(server.requests).toHaveLength(2);
      for (const seen of server.requests) {
        if (authMethod === 'client_secret_post')
          expect(seen.params.get('client_id')).toBe('client-from-vault');
        else {
          const basic = Buffer.from(String(seen.headers.authorization).slice(6), 'base64').toString();
          expect(basic).toBe('client-from-vault:cs-client-id-0123');
        }
      }
    },
  );

  it('rejects an empty Secret id with auth.missing_credentials', () => {
    let thrown: unknown;
    try {
      oauth2ClientCredentials({
        tokenUrl: 'http://127.0.0.1:1/token',
        clientId: new Secret(''),
        clientSecret: 'x',
      });
    } catch (error) {
      thrown = error;
    }
    expect(isKitError(thrown) && thrown.code).toBe('auth.missing_credentials');
    expect(inspect(thrown)).toContain('clientId');
  });
});
