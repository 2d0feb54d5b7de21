import { apiKeyAuth } from '@kit/auth';
import { isKitError, type KitError } from '@kit/errors';
import { createFaultServer, type FaultServer } from '@kit/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient } from '../src/index';
import { createLogCapture, FAST_RETRY, TEST_SECRETS } from './support';

const capture = createLogCapture();
let api: FaultServer;
let elsewhere: FaultServer;

beforeEach(async () => {
  elsewhere = await createFaultServer({ routes: [{ method: '*', path: '/collect', handler: { json: {} } }] });
  api = await createFaultServer({
    routes: [
      {
        method: 'GET',
        path: '/v1/moved',
        handler: { status: 302, headers: { Location: `${elsewhere.url}/collect` } },
      },
    ],
  });
});
afterEach(async () => {
  await api.close();
  await elsewhere.close();
});
afterAll(() => expect(capture.leaks()).toEqual([]));

describe('redirects', () => {
  it('does not follow a redirect by default, so API-key headers never reach another host', async () => {
    const client = createRestClient({
      baseUrl: `${api.url}/v1`,
      auth: apiKeyAuth({ key: TEST_SECRETS.apiKey, name: 'X-Api-Key' }),
      logger: capture.logger,
      retry: FAST_RETRY,
    });
    let error: KitError | undefined;
    try {
      await client.get('/moved');
    } catch (caught) {
      if (isKitError(caught)) error = caught;
    }
    expect([error?.code, error?.status]).toEqual(['client.error', 302]);
    expect(error?.hint).toMatch(/maxRedirects/);
    expect(error?.attempts).toBe(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('follows redirects when asked to (maxRedirects)', async () => {
    const client = createRestClient({ baseUrl: `${api.url}/v1`, maxRedirects: 2, logger: capture.logger });
    const response = await client.get('/moved');
    expect(response.status).toBe(200);
    expect(elsewhere.requests).toHaveLength(1);
  });
});
