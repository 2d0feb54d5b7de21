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
import { it } from 'vitest';
import { freePort } from './ports';

/**
 * A real nginx process for tests (@kit/rest-client's proxy tests, the multi-process rate-limit
 * test), started as a child (`daemon off`) on a loopback port, with its pid file, logs and every
 * temp path in its own temporary directory (it runs as root without touching /var).
 * `.ci/nginx.sh` installs nginx; without it the tests skip, except under `CI`, where they fail.
 */
export interface NginxProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The port nginx listens on. */
  readonly port: number;
  /**
   * The whole access log, once it has at least `count` entries (default 0: what is there now).
   * Rejects after 2 s with fewer; see {@link NginxProxy.accessLogFor}.
   */
  accessLog(count?: number): Promise<AccessLogEntry[]>;
  /**
   * The entries whose URI starts with `prefix`, once there are at least `count` of them: nginx
   * writes a line after sending the response, so the client can see an answer before its line is
   * there. Waits on file changes, for at most 2 s, then rejects saying how many it saw.
   */
  accessLogFor(prefix: string, count: number): Promise<AccessLogEntry[]>;
  /** The error log so far (for failure messages). */
  errorLog(): string;
  /** Stops nginx (fast shutdown), waits for it to exit and removes its directory. */
  stop(): Promise<void>;
}

/** One line of the access log (format `kit`, see {@link startNginx}). */
export interface AccessLogEntry {
  /** When nginx logged it (the end of the request), in epoch milliseconds. */
  atMs: number;
  method: string;
  uri: string;
  /** What nginx sent the client. */
  status: number;
  /** What the upstream answered, `-` when nginx answered itself (a 429 from `limit_req`). */
  upstreamStatus: string;
}

/** Options for {@link startNginx}. */
export interface StartNginxOptions {
  /** The nginx binary (see {@link findNginx}). */
  nginx: string;
  /** Directives for the `http` block (zones, upstreams); `{{dir}}` is replaced by the temp dir. */
  http: string;
  /** Directives for the `server` block (locations). */
  server: string;
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin', '/sbin'];

/** The nginx binary: on PATH, or where Debian and source builds put it; undefined when absent. */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
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

function parseAccessLog(text: string): AccessLogEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [msec = '0', method = '', uri = '', status = '0', upstreamStatus = '-'] = line.split(' ');
      return { atMs: Math.round(Number(msec) * 1_000), method, uri, status: Number(status), upstreamStatus };
    });
}

function waitForLog(path: string, prefix: string, count: number): Promise<AccessLogEntry[]> {
  const read = () => parseAccessLog(readOr(path, '')).filter((e) => e.uri.startsWith(prefix));
  const now = read();
  if (now.length >= count) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const watcher = watch(path, () => {
      const entries = read();
      if (entries.length < count) return;
      finish();
      resolve(entries);
    });
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(
          `nginx logged ${read().length} of ${count} requests under "${prefix}" within ${LOG_WAIT_MS} ms`,
        ),
      );
    }, LOG_WAIT_MS);
    function finish(): void {
      watcher.close();
      clearTimeout(timer);
    }
    // A line written between the first read and the watch start raises no event.
    const entries = read();
    if (entries.length >= count) {
      finish();
      resolve(entries);
    }
  });
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

const LOG_WAIT_MS = 2_000;
const READY_TIMEOUT_MS = 5_000;
const READY_POLL_MS = 25;
const STOP_TIMEOUT_MS = 5_000;
const START_TRIES = 3;

function config(dir: string, port: number, options: StartNginxOptions): string {
  return `
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
  ${options.http.replaceAll('{{dir}}', dir)}
  server {
    listen 127.0.0.1:${port};
    access_log ${dir}/access.log kit;
    ${options.server.replaceAll('{{dir}}', dir)}
  }
}
`;
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function startOnce(options: StartNginxOptions): Promise<NginxProxy | { retry: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kit-nginx-'));
  // Workers drop root for nobody; they must reach the temp paths inside.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, config(dir, port, options));
  let stderr = '';
  // -e: the startup error log, before the config's own error_log is read (else /var/log/nginx).
  const child = spawn(
    options.nginx,
    ['-p', dir, '-e', join(dir, 'error.log'), '-c', confPath, '-g', 'daemon off;'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const exited = waitForExit(child);
  const errorLog = () => readOr(join(dir, 'error.log'), '') + stderr;
  const cleanup = () => rmSync(dir, { recursive: true, force: true });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (let i = 0; Date.now() < deadline && i < READY_TIMEOUT_MS / READY_POLL_MS; i++) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) break;
    if (await canConnect(port)) {
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        accessLog: (count = 0) => waitForLog(join(dir, 'access.log'), '', count),
        accessLogFor: (prefix, count) => waitForLog(join(dir, 'access.log'), prefix, count),
        errorLog,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
            await exited;
            clearTimeout(timer);
          }
          cleanup();
        },
      };
    }
    // Between connection attempts: nginx is starting in another process and says nothing when
    // ready, so polling (bounded above) is the only signal; exiting ends the wait at once.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))]);
  }
  const log = errorLog();
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
  cleanup();
  if (spawnError !== undefined) throw new Error(`could not run ${options.nginx}: ${spawnError.message}`);
  // Another process took the port between our probe and nginx's bind: pick another.
  if (log.includes('Address already in use')) return { retry: log };
  throw new Error(`nginx did not start within ${READY_TIMEOUT_MS} ms:\n${log}`);
}

/**
 * Starts nginx with the given `http` and `server` directives and resolves once it accepts
 * connections (at most 5 s). Logs requests to `access.log` in the format
 * `$msec $request_method $uri $status $upstream_status`.
 */
export async function startNginx(options: StartNginxOptions): Promise<NginxProxy> {
  let last = '';
  for (let i = 0; i < START_TRIES; i++) {
    const result = await startOnce(options);
    if (!('retry' in result)) return result;
    last = result.retry;
  }
  throw new Error(`nginx could not bind a free port in ${START_TRIES} tries:\n${last}`);
}

const NGINX_MISSING_REASON =
  'nginx is not installed: run .ci/nginx.sh as root (Debian package) to run the nginx tests';

/**
 * The nginx binary, or undefined after registering a test that says why the file's tests do not
 * run: skipped (its name is the reason) on a machine without nginx, failed under `CI`, where
 * `.ci/run` installs nginx and its absence is a broken setup rather than a choice.
 */
export function requireNginx(): string | undefined {
  const nginx = findNginx();
  if (nginx === undefined) {
    it.skipIf(!process.env.CI)(NGINX_MISSING_REASON, () => {
      throw new Error(`${NGINX_MISSING_REASON} (CI is set, so this is a failure)`);
    });
  }
  return nginx;
}
