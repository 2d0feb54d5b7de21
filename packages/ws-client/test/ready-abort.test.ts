// ready({ signal }) stops waiting when its signal aborts, with cancelled.aborted, and leaves no
// listener behind on a long-lived signal when the client goes live or fails instead.
import { getEventListeners } from 'node:events';
import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, type WsClient } from '../src/index';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function server(): Promise<WsFaultServer> {
  const s = await createWsFaultServer();
  open.push(s);
  return s;
}

function client(url: string): WsClient {
  const ws = createWsClient({ url, reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
  open.push(ws);
  return ws;
}

describe('ready({ signal })', () => {
  it('rejects at once with cancelled.aborted when the signal has already aborted', async () => {
    const ws = client((await server()).url);
    const signal = AbortSignal.abort(new Error('caller gave up'));
    await expect(ws.ready({ signal })).rejects.toMatchObject({ code: 'cancelled.aborted' });
  });

  it('rejects when the signal aborts while waiting, and removes its listener when the client goes live', async () => {
    const ws = client((await server()).url);
    const stop = new AbortController();
    const waiting = ws.ready({ signal: stop.signal });
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled.aborted' });

    const longLived = new AbortController();
    ws.connect();
    await ws.ready({ signal: longLived.signal });
    expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);
  });
});
