// The crash test: a real child process journals an order, sends it and is SIGKILLed after the broker
// committed it but before the answer reached it (a loopback proxy holds the answer back). A restarted
// process reconciles from the journal: the order is reported once and the broker holds one order.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envFor, FAST, sandbox } from './support';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = join(here, '..');
const childScript = join(here, 'fixtures', 'crash-child.ts');

let broker: SandboxBroker;
let dir: string;

beforeAll(async () => {
  broker = await sandbox();
  dir = mkdtempSync(join(tmpdir(), 'sample-broker-crash-'));
});
afterAll(async () => {
  await broker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A TCP proxy to the sandbox that withholds the first `201` answer and reports it. */
async function answerHoldingProxy(
  target: URL,
): Promise<{ url: string; held: Promise<void>; close(): Promise<void> }> {
  let onHeld: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    onHeld = resolve;
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let holding = false;
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!holding && chunk.toString('latin1').startsWith('HTTP/1.1 201')) {
        // The broker created the order; its answer never reaches the client.
        holding = true;
        onHeld();
      }
      if (!holding) client.write(chunk);
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', () => {
      if (!holding) drop();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function runChild(
  mode: 'place' | 'reconcile',
  env: Record<string, string>,
): {
  child: ChildProcess;
  output: Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, ['--conditions=@kit/source', '--import', 'tsx', childScript, mode], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const output = new Promise<{
    stdout: string;
    stderr: string;
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
  return { child, output };
}

describe('a crash between sending an order and its answer', () => {
  it('is settled by reconcile() after a restart: reported once, one order at the broker', async () => {
    const proxy = await answerHoldingProxy(new URL(broker.url));
    const journal = join(dir, 'intents.jsonl');
    const clientOrderId = 'crash-test-1';
    const common = { ...FAST, CRASH_JOURNAL: journal, CRASH_CLIENT_ORDER_ID: clientOrderId };
    try {
      const placing = runChild('place', {
        ...envFor(broker, 'trader', common),
        SAMPLE_BROKER_BASE_URL: proxy.url,
      });
      const exited = placing.output;
      await Promise.race([
        proxy.held,
        exited.then((result) => {
          throw new Error(`the child exited before sending: ${JSON.stringify(result)}`);
        }),
      ]);
      placing.child.kill('SIGKILL');
      const killed = await exited;
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).not.toContain('placed');
    } finally {
      await proxy.close();
    }

    // The journal holds the intent and no settlement: the process never learnt the outcome.
    const lines = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([expect.objectContaining({ kind: 'intent', clientOrderId })]);
    expect(broker.ledger().orders.filter((o) => o.clientOrderId === clientOrderId)).toHaveLength(1);

    const restarted = await runChild('reconcile', envFor(broker, 'trader', common)).output;
    expect(restarted.code, restarted.stderr).toBe(0);
    const report = JSON.parse(restarted.stdout.trim());
    const orderId = broker.ledger().orders.find((o) => o.clientOrderId === clientOrderId)?.orderId;
    expect(report).toMatchObject({ found: 1, notFound: 0, unresolved: 0 });
    expect(report.intents).toEqual([{ clientOrderId, outcome: 'found', orderId }]);
    expect(report.openOrders.filter((id: string) => id === clientOrderId)).toHaveLength(1);

    // Settled for good, and never placed twice.
    const again = await runChild('reconcile', envFor(broker, 'trader', common)).output;
    expect(JSON.parse(again.stdout.trim()).intents).toEqual([]);
    const ledger = broker.ledger();
    expect(ledger.orders.filter((o) => o.clientOrderId === clientOrderId)).toHaveLength(1);
    expect(ledger.duplicates).toEqual([]);
  }, 60_000);
});
