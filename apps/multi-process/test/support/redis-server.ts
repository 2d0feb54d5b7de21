import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join } from 'node:path';
import { freePort } from '@kit/vitest-config/ports';

/**
 * A redis-server of the test's own on a loopback port (no persistence), so a test can crash it
 * and start it again without touching the Redis at REDIS_URL that the other tests share.
 */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  /** Kills it with SIGKILL (a crash: nothing is saved, clients see connections reset). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty, as after a crash without persistence). */
  restart(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

/** The redis-server binary, or undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/bin',
    '/usr/sbin',
    '/usr/local/bin',
  ];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, 'redis-server'), constants.X_OK);
      return join(dir, 'redis-server');
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether a Redis on `port` answers PING with PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
  });
}

const READY_TIMEOUT_MS = 5_000;
const READY_POLL_MS = 20;

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startRedisServer(binary: string): Promise<RedisServerProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';

  const start = async (): Promise<void> => {
    log = '';
    const next = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    next.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
    });
    next.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
    });
    child = next;
    const gone = exited(next);
    // redis-server says nothing a parent can wait on, so readiness is polled (bounded).
    for (let i = 0; i < READY_TIMEOUT_MS / READY_POLL_MS; i++) {
      if (next.exitCode !== null) break;
      if (await pings(port)) return;
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))]);
    }
    next.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${port}:\n${log}`);
  };

  const kill = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const gone = exited(current);
    current.kill('SIGKILL');
    await gone;
  };

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: start, stop: kill };
}
