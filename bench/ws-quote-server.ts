// The quote server both WebSocket benchmarks (ws.bench.ts, ws-stacks.bench.ts) read from, so every
// client path in either file is measured against the same server and the same frames.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import * as v from 'valibot';

/** The channel the quote server streams on. */
export const CHANNEL = 'quotes:BTC-USD';
/** Every wait in the WebSocket benchmarks gives up after this long, in milliseconds. */
const TIMEOUT_MS = 120_000;

// The server: a bare `ws` server in a child process. `{ op: 'subscribe', channels }` is acknowledged
// per channel (kit's reference protocol); `{ op: 'go', count, channel }` streams `count` quotes.
// The quotes are framed by hand (unmasked text frames, payload < 126 bytes) and written to the TCP
// socket in 64 KiB chunks, so the server costs well under a microsecond a message and the client is
// what limits the rate: every client path then reads the same full chunks and is measured at its
// own capacity (a server that is the bottleneck hands a slower client bigger chunks, which flatters it).
const SERVER_SOURCE = `
const { WebSocketServer } = require(process.env.KIT_WS_PATH);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => process.stdout.write(JSON.stringify({ port: wss.address().port }) + '\\n'));
let seq = 0;
const CHUNK = 65536;
wss.on('connection', (socket) => {
  socket.on('error', () => {});
  const tcp = socket._socket; // ws's own socket: the frames below are complete, so writes interleave safely
  socket.on('message', (raw) => {
    const msg = JSON.parse(raw.toString());
    if (msg.op === 'subscribe') {
      for (const channel of msg.channels) socket.send(JSON.stringify({ op: 'subscribed', channel }));
    } else if (msg.op === 'go') {
      let sent = 0;
      const prefix = '{"channel":"' + msg.channel + '","seq":';
      const pump = () => {
        while (sent < msg.count && socket.readyState === 1) {
          const chunk = Buffer.allocUnsafe(CHUNK);
          let at = 0;
          while (sent < msg.count && at < CHUNK - 256) {
            seq++;
            sent++;
            const payload = prefix + seq + ',"data":{"bid":64210.15,"ask":64210.85,"size":0.42,"ts":1767225600000}}';
            chunk[at] = 0x81;
            const length = chunk.write(payload, at + 2, 'latin1');
            if (length > 125) throw new Error('a quote outgrew the 7-bit frame length');
            chunk[at + 1] = length;
            at += 2 + length;
          }
          if (!tcp.write(chunk.subarray(0, at))) return tcp.once('drain', pump);
        }
      };
      pump();
    }
  });
});
`;

/** The valibot schema of one quote frame (what kit's `schema` option and the validated baselines check). */
export const Quote = v.object({
  channel: v.string(),
  seq: v.number(),
  data: v.object({ bid: v.number(), ask: v.number(), size: v.number(), ts: v.number() }),
});

/** `promise`, or a rejection naming `what` after {@link TIMEOUT_MS}. */
export function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts the quote server in a child process; `stop()` kills it. */
export async function startServer(): Promise<{ url: string; stop: () => void }> {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  // A separate process, so this process's CPU time (process.cpuUsage) is the client's alone.
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], {
    env: { ...process.env, KIT_WS_PATH: wsPath },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await withTimeout(once(child.stdout, 'data'), 'server start')) as [Buffer];
  const { port } = JSON.parse(line.toString()) as { port: number };
  return { url: `ws://127.0.0.1:${port}`, stop: () => child.kill() };
}
