import { apiKeyAuth, bearerAuth } from '@kit/auth';
import { createFaultServer, type FaultServer } from '@kit/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient, type ResponseEvent } from '../src/index';
import { createLogCapture, FAST_RETRY, TEST_SECRETS } from './support';

const capture = createLogCapture();
let server: FaultServer;
beforeEach(async () => {
  capture.clear();
  server = await createFaultServer({
    routes: [
      {
        method: 'GET',
        path: '/v1/account',
        handler: (r) =>
          r.headers.authorization === `Bearer ${TEST_SECRETS.accessToken}` ||
          r.query.apiKey === TEST_SECRETS.apiKey
            ? { json: { id: 'acc-1' }, headers: { 'x-request-id': `srv-${r.attempt}` } }
            : { status: 401, json: { error: 'bad key' } },
      },
    ],
  });
});
afterEach(() => server.close());
afterAll(() => expect(capture.leaks()).toEqual([]));

describe('observability', () => {
  it('a 404 or 409 on the first attempt is logged at info, not as a warning; a 400 still warns', async () => {
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      auth: apiKeyAuth({ key: TEST_SECRETS.apiKey, in: 'query', name: 'apiKey' }),
    });
    const answered = () => capture.records.filter((r) => r.msg === 'rest: answered with an error');
    const warnings = () => capture.records.filter((r) => r.level === 'warn');
    for (const status of [404, 409]) {
      server.setFaults([{ fault: { type: 'status', status, json: { error: 'final answer' } } }]);
      await expect(client.get('/account')).rejects.toMatchObject({ status });
    }
    expect(answered().map((r) => [r.level, r.fields?.status])).toEqual([
      ['info', 404],
      ['info', 409],
    ]);
    expect(warnings()).toEqual([]);
    server.setFaults([{ fault: { type: 'status', status: 400, json: { error: 'bad request' } } }]);
    await expect(client.get('/account')).rejects.toMatchObject({ status: 400 });
    expect(warnings().map((r) => r.msg)).toEqual(['rest: giving up']);
  });

  it('logs a debug line per attempt, info on retry and warn on give-up, with no secret anywhere', async () => {
    server.setFaults([{ fault: { type: 'status', status: 503 } }]);
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      auth: apiKeyAuth({ key: TEST_SECRETS.apiKey, in: 'query', name: 'apiKey' }),
    });
    await expect(client.get('/account')).rejects.toThrow();
    const byLevel = (level: string) => capture.records.filter((r) => r.level === level).map((r) => r.msg);
    expect(byLevel('debug').filter((m) => m === 'rest: attempt')).toHaveLength(3);
    expect(byLevel('info').filter((m) => m === 'rest: retrying')).toHaveLength(2);
    expect(byLevel('warn').filter((m) => m === 'rest: giving up')).toHaveLength(1);
    const attemptLine = capture.records.find((r) => r.msg === 'rest: attempt');
    expect(Object.keys(attemptLine?.fields ?? {}).sort()).toEqual([
      'attempt',
      'durationMs',
      'method',
      'path',
      'requestId',
      'status',
    ]);
    expect(server.requests[0]?.query.apiKey).toBe(TEST_SECRETS.apiKey);
    expect(capture.text()).not.toContain(TEST_SECRETS.apiKey);
  });

  it('writes no debug lines when the logger is above debug', async () => {
    const { createCapturingLogger } = await import('@kit/logger/testing');
    const quiet = createCapturingLogger({ level: 'info' });
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: quiet.logger,
      auth: bearerAuth({ token: TEST_SECRETS.accessToken }),
    });
    await client.get('/account');
    expect(quiet.lines).toEqual([]);
  });

  it('does not even call debug when the logger says debug is off (isLevelEnabled)', async () => {
    let debugCalls = 0;
    const logger = {
      ...capture.logger,
      debug: () => {
        debugCalls++;
      },
      isLevelEnabled: (level: string) => level !== 'debug',
      child: () => logger,
    };
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger,
      auth: bearerAuth({ token: TEST_SECRETS.accessToken }),
    });
    await client.get('/account');
    expect(debugCalls).toBe(0);
  });

  it('calls onRequest and onResponse per attempt with status, timing and request id; a throwing hook is ignored', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'status', status: 500 } }]);
    const requests: number[] = [];
    const responses: ResponseEvent[] = [];
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      auth: bearerAuth({ token: TEST_SECRETS.accessToken }),
      hooks: {
        onRequest: (e) => requests.push(e.attempt),
        onResponse: (e) => {
          responses.push(e);
          throw new Error(`metrics backend down ${TEST_SECRETS.accessToken}`);
        },
      },
    });
    const response = await client.get('/account');
    expect(response.requestId).toBe('srv-2');
    expect(requests).toEqual([1, 2]);
    expect(responses.map((e) => [e.attempt, e.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(responses.every((e) => e.durationMs >= 0)).toBe(true);
    expect(capture.records.some((r) => r.msg === 'rest: the onResponse hook threw; ignored')).toBe(true);
  });

  it('reads the request id from configured headers into responses and errors', async () => {
    server.route({
      method: 'GET',
      path: '/v1/trace',
      handler: (r) => ({
        status: r.attempt === 1 ? 200 : 503,
        json: {},
        headers: { 'x-venue-trace': `trace-${r.attempt}` },
      }),
    });
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: false,
      requestIdHeaders: ['x-venue-trace'],
    });
    expect((await client.get('/trace')).requestId).toBe('trace-1');
    await expect(client.get('/trace')).rejects.toMatchObject({
      code: 'server.unavailable',
      requestId: 'trace-2',
    });
  });
});
