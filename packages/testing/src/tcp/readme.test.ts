// The README's TCP quick start, kept runnable: the same code, with its comments as assertions.
import { createServer } from 'node:http';
import { expect, it } from 'vitest';
import { createTcpFaultProxy } from './tcp-fault-proxy';

it('runs the README TCP quick start', async () => {
  const api = createServer((_req, res) => res.end('{"ok":true}')).listen(0, '127.0.0.1');
  await new Promise((resolve) => api.once('listening', resolve));
  const port = (api.address() as { port: number }).port;

  const proxy = await createTcpFaultProxy({ target: { port }, seed: 42 });
  proxy.addToxic({ type: 'latency', latencyMs: 50, jitterMs: 10 }); // every answer 40-60 ms late
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${proxy.port}/`); // goes through the proxy
  expect(await response.json()).toEqual({ ok: true });
  expect(performance.now() - started).toBeGreaterThanOrEqual(35);

  proxy.setToxics([{ type: 'reset_peer', toxicity: 0.5 }]); // half the new connections get an RST
  proxy.setToxics([{ name: 'hole', type: 'black_hole' }]); // silence with the socket kept open
  expect(proxy.toxics.map((t) => t.name)).toEqual(['hole']);
  proxy.removeToxic('hole');
  expect(proxy.toxics).toEqual([]);
  await proxy.close();
  api.close();
});
