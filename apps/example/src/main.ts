// The kit example: load a config (with a secret), log through the redacting logger, and classify two
// real failures on the loopback interface. Needs no network; exits 0 when everything behaves.
import { createServer } from 'node:http';
import { isConfigError } from '@kit/config';
import { classifyError, classifyHttpResponse, type KitError } from '@kit/errors';
import { createLogger } from '@kit/logger';
import { exampleConfig } from './example-config';
import { close, closedPort, get, listen } from './loopback';

function report(label: string, error: KitError): void {
  console.log(`\n${label}`);
  console.log(`  code:  ${error.code} (${error.category}, retryable: ${error.retryable})`);
  console.log(`  hint:  ${error.hint}`);
  console.log(`  docs:  docs/troubleshooting/${error.docsSlug}.md`);
}

async function main(): Promise<number> {
  const config = exampleConfig.load();
  const logger = createLogger({ name: 'kit-example' });
  const key = config.apiKey.reveal();
  logger.info('config loaded', {
    baseUrl: config.rest.baseUrl,
    timeoutMs: config.rest.timeoutMs,
    apiKey: config.apiKey,
    note: `the key ${key} is masked even inside a string`,
  });
  logger.info('all settings', { settings: exampleConfig.describe().map((field) => field.envVar) });

  // 1. A refused connection: a real request to a loopback port that was just closed.
  const port = await closedPort();
  try {
    await get(`http://127.0.0.1:${port}/v1/time`, config.rest.timeoutMs);
    logger.error('expected the connection to be refused');
    return 1;
  } catch (error) {
    report('refused connection', classifyError(error, { method: 'GET', path: '/v1/time' }));
  }

  // 2. A 503 from a loopback server that asks to retry later.
  const server = createServer((_req, res) => {
    res.writeHead(503, {
      'content-type': 'application/json',
      'retry-after': '2',
      'x-request-id': 'req-example-1',
    });
    res.end(JSON.stringify({ error: 'maintenance' }));
  });
  const serverPort = await listen(server);
  try {
    const response = await get(`http://127.0.0.1:${serverPort}/v1/account`, config.rest.timeoutMs);
    const error = classifyHttpResponse({
      status: response.status,
      headers: response.headers,
      body: response.body,
      method: 'GET',
      path: '/v1/account',
    });
    report('503 from the server', error);
    console.log(`  retry after: ${error.retryAfterMs} ms, request id: ${error.requestId}`);
  } finally {
    await close(server);
  }

  // 3. A config with mistakes: every problem in one error, the key never echoed.
  try {
    exampleConfig.load({
      env: { KIT_EXAMPLE_API_KEY: ` ${key} `, KIT_EXAMPLE_REST__BASE_URL: 'http://api.example.com' },
    });
  } catch (error) {
    if (!isConfigError(error)) throw error;
    report('config with two mistakes', error);
    console.log(error.message.replace(/^/gm, '  '));
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const kitError = classifyError(error);
    console.error(isConfigError(error) ? error.message : `${kitError.code}: ${kitError.message}`);
    process.exitCode = 1;
  },
);
