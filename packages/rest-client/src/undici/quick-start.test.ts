// The transport README's quick start, run against a loopback server so the snippet cannot rot.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUndiciAdapter } from './index';

const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ serverTime: 1_767_225_600_000, path: req.url }));
});
let origin = '';

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

it('README quick start: axios with the undici adapter', async () => {
  const adapter = createUndiciAdapter({ connectTimeoutMs: 10_000 });
  const http = axios.create({ baseURL: `${origin}/v1`, adapter });
  const { data } = await http.get('/time');
  await adapter.close(); // releases the keep-alive sockets

  expect(data).toEqual({ serverTime: 1_767_225_600_000, path: '/v1/time' });
});
