// Adapted from packages/rest-client/test/nginx/nginx-proxy.ts (test code is not shared between
// packages): a real nginx process started as a child (`daemon off`) on a loopback port, with its
// pid file, logs and temp paths in its own temporary directory. `.ci/nginx.sh` installs nginx; without
// it the tests skip, except under `CI`, where they fail.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdtempSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './ports';

/** A running nginx. */
export interface NginxProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /**
   * The access log (`$msec $request_method $uri $status $upstream_status`) once it has at least
   * `count` lines: nginx writes a line after the response, so a client can see an answer before its
   * line is there. Waits on file changes, for at most 2 s.
   */
  accessLog(count?: number): Promise<AccessLogEntry[]>;
  /** Stops nginx, waits for it to exit and removes its directory. */
  stop(): Promise<void>;
}

/** One access-log line. */
export interface AccessLogEntry {
  atMs: number;
  method: string;
  uri: string;
  status: number;
  /** `-` when nginx answered itself (a 429 from `limit_req`). */
  upstreamStatus: string;
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin', '/sbin'];

/** The nginx binary: on PATH, or where Debian and source builds put it; undefined when absent. */
export function findNginx(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SEARCH_DIRS]) {
    try {
      accessSync(join(dir, 'nginx'), constants.X_OK);
      return join(dir, 'nginx');
    } catch {
      // not here
    }
  }
  return undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function parseAccessLog(text: string): AccessLogEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [msec = '0', method = '', uri = '', status = '0', upstreamStatus = '-'] = line.split(' ');
      return { atMs: Math.round(Number(msec) * 1_000), method, uri, status: Number(status), upstreamStatus };
    });
}

const LOG_WAIT_MS = 2_000;

function waitForLog(path: string, count: number): Promise<AccessLogEntry[]> {
  const read = () => parseAccessLog(readOr(path, ''));
  if (read().length >= count) return Promise.resolve(read());
  return new Promise((resolve) => {
    const finish = (): void => {
      watcher.close();
      clearTimeout(timer);
      resolve(read());
    };
    const watcher = watch(path, () => {
      if (read().length >= count) finish();
    });
    // Whatever is there after the wait: the test compares it with what the clients saw.
    const timer = setTimeout(finish, LOG_WAIT_MS);
    if (read().length >= count) finish();
  });
}

const READY_TIMEOUT_MS = 5_000;
const READY_POLL_MS = 25;

/**
 * Starts nginx with the given `http` and `server` block directives and resolves once it accepts
 * connections (at most 5 s).
 */
export async function startNginx(options: {
  nginx: string;
  http: string;
  server: string;
}): Promise<NginxProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kit-mp-nginx-'));
  // Workers drop root for nobody; they must reach the temp paths inside.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(
    confPath,
    `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  log_format kit '$msec $request_method $uri $status $upstream_status';
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type application/octet-stream;
  keepalive_timeout 10s;
  ${options.http}
  server {
    listen 127.0.0.1:${port};
    access_log ${dir}/access.log kit;
    ${options.server}
  }
}
`,
  );
  let stderr = '';
  const child: ChildProcess = spawn(
    options.nginx,
    ['-p', dir, '-e', join(dir, 'error.log'), '-c', confPath, '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  // nginx says nothing when it is ready: polling (bounded) is the only signal.
  for (let i = 0; i < READY_TIMEOUT_MS / READY_POLL_MS; i++) {
    if (spawnError !== undefined || child.exitCode !== null) break;
    if (await canConnect(port)) {
      return {
        url: `http://127.0.0.1:${port}`,
        accessLog: (count = 0) => waitForLog(join(dir, 'access.log'), count),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(timer);
          }
          cleanup();
        },
      };
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))]);
  }
  const log = readOr(join(dir, 'error.log'), '') + stderr;
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
  cleanup();
  throw new Error(`nginx did not start within ${READY_TIMEOUT_MS} ms:\n${spawnError?.message ?? ''}${log}`);
}
