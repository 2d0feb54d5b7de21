import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciAdapter, type UndiciAxiosAdapter } from './index';

/** A tiny CONNECT proxy on loopback that records every tunnel it opens and the credentials it was given. */
const tunnels: Array<{ target: string; proxyAuthorization: string | undefined }> = [];
const proxy = http.createServer((_req, res) => {
  res.writeHead(405);
  res.end();
});
proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
  tunnels.push({ target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
  const [host, port] = (req.url ?? '').split(':');
  const upstream = net.connect(Number(port), host, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const destroyBoth = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on('error', destroyBoth);
  client.on('error', destroyBoth);
});

const target = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ via: req.headers['proxy-authorization'] ? 'leaked' : 'clean', url: req.url }));
});

let proxyPort = 0;
let targetUrl = '';
const savedEnv = { ...process.env };
const adapters: UndiciAxiosAdapter[] = [];

function track(adapter: UndiciAxiosAdapter): UndiciAxiosAdapter {
  adapters.push(adapter);
  return adapter;
}

beforeAll(async () => {
  proxy.listen(0, '127.0.0.1');
  target.listen(0, '127.0.0.1');
  await Promise.all([once(proxy, 'listening'), once(target, 'listening')]);
  proxyPort = (proxy.address() as AddressInfo).port;
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await Promise.all(adapters.splice(0).map((adapter) => adapter.close()));
  tunnels.length = 0;
});

afterAll(async () => {
  proxy.closeAllConnections();
  target.closeAllConnections();
  proxy.close();
  target.close();
});

function clearProxyEnv(): void {
  for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) {
    delete process.env[name];
  }
}

describe('createUndiciAdapter: proxies', () => {
  it('goes through HTTP_PROXY from the environment', async () => {
    clearProxyEnv();
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
    const client = axios.create({ baseURL: targetUrl, adapter: track(createUndiciAdapter()) });
    const response = await client.get('/through');
    expect(response.data.url).toBe('/through');
    expect(tunnels.map((t) => t.target)).toEqual([new URL(targetUrl).host]);
  });

  it('skips the proxy for hosts in NO_PROXY', async () => {
    clearProxyEnv();
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
    process.env.NO_PROXY = new URL(targetUrl).host;
    const client = axios.create({ baseURL: targetUrl, adapter: track(createUndiciAdapter()) });
    await client.get('/direct');
    expect(tunnels).toEqual([]);
  });

  it('skips the environment proxy for a request with proxy: false, and when proxyFromEnv is off', async () => {
    clearProxyEnv();
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
    const client = axios.create({ baseURL: targetUrl, adapter: track(createUndiciAdapter()) });
    await client.get('/direct', { proxy: false });
    const off = axios.create({
      baseURL: targetUrl,
      adapter: track(createUndiciAdapter({ proxyFromEnv: false })),
    });
    await off.get('/direct');
    expect(tunnels).toEqual([]);
  });

  it('uses an explicit axios proxy config with credentials, which never reach the target', async () => {
    clearProxyEnv();
    const client = axios.create({ baseURL: targetUrl, adapter: track(createUndiciAdapter()) });
    const response = await client.get('/explicit', {
      proxy: {
        protocol: 'http',
        host: '127.0.0.1',
        port: proxyPort,
        auth: { username: 'proxy-user', password: 'proxy-pass' },
      },
    });
    expect(response.data).toEqual({ via: 'clean', url: '/explicit' });
    expect(tunnels).toHaveLength(1);
    expect(tunnels[0]?.proxyAuthorization).toBe(
      `Basic ${Buffer.from('proxy-user:proxy-pass').toString('base64')}`,
    );
  });
});
