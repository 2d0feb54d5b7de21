// The README's TCP quick start, verbatim between the markers, with assertions below.
// README:start TCP quick start
import { createServer } from 'node:http';
import { createTcpFaultProxy } from '@kit/testing';

const api = createServer((_req, res) => res.end('{"ok":true}')).listen(0, '127.0.0.1');
await new Promise((resolve) => api.once('listening', resolve));
const port = (api.address() as { port: number }).port;

const proxy = await createTcpFaultProxy({ target: { port }, seed: 42 });
proxy.addToxic({ type: 'latency', latencyMs: 50, jitterMs: 10 }); // every answer 40-60 ms late
await fetch(`http://127.0.0.1:${proxy.port}/`); // goes through the proxy

proxy.setToxics([{ type: 'reset_peer', toxicity: 0.5 }]); // half the new connections get an RST
proxy.setToxics([{ name: 'hole', type: 'black_hole' }]); // silence with the socket kept open
proxy.removeToxic('hole');
await proxy.close();
api.close();

// README:end

import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';

it('runs the README TCP quick start', () => {
  const stats = proxy.stats();
  expect(stats.accepted).toBe(1); // the one fetch, through the latency toxic
  expect(stats.toxicConnections.latency).toBe(1);
  expect(stats.bytesDownstream).toBeGreaterThan(0);
  expect(proxy.toxics).toEqual([]);
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
