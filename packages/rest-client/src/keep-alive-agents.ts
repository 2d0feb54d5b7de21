/** Agents for axios's Node adapter: keep-alive, and a connect timeout Node's agents lack. */
export interface KeepAliveAgents {
  httpAgent: unknown;
  httpsAgent: unknown;
}

/** Marks the error a connect timeout destroys a socket with, so the transport can classify it exactly. */
export const CONNECT_TIMEOUT_MARKER: unique symbol = Symbol.for('kit.rest-client.connect-timeout');

interface Guardable {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy(error?: Error): unknown;
}

function guardConnect(socket: Guardable | null | undefined, connectMs: number, readyEvent: string): void {
  if (!socket) return;
  const timer = setTimeout(() => {
    // Shaped like Node's own connect timeout (ETIMEDOUT, syscall connect), plus a marker: axios
    // re-wraps the error and drops `syscall`, so the transport recognises it by the marker.
    const error = Object.assign(new Error(`Connecting timed out after ${connectMs} ms`), {
      code: 'ETIMEDOUT',
      syscall: 'connect',
      [CONNECT_TIMEOUT_MARKER]: connectMs,
    });
    socket.destroy(error);
  }, connectMs);
  (timer as { unref?: () => void }).unref?.();
  const clear = (): void => clearTimeout(timer);
  socket.once(readyEvent, clear);
  socket.once('close', clear);
}

/**
 * Creates keep-alive agents whose sockets fail with a connect timeout after `connectMs` (TCP, and
 * the TLS handshake for https). Node only: the modules are imported lazily so browser bundles of
 * the client never pull them in; resolves undefined elsewhere.
 */
export async function createKeepAliveAgents(connectMs: number): Promise<KeepAliveAgents | undefined> {
  const nodeVersion = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (nodeVersion === undefined) return undefined;
  // Module names in variables with ignore hints: browser bundlers (webpack, vite) must not try to
  // resolve Node built-ins for a branch that never runs in a browser.
  const httpName = 'node:http';
  const httpsName = 'node:https';
  const [http, https] = (await Promise.all([
    import(/* webpackIgnore: true */ /* @vite-ignore */ httpName),
    import(/* webpackIgnore: true */ /* @vite-ignore */ httpsName),
  ])) as [typeof import('node:http'), typeof import('node:https')];
  class HttpAgent extends http.Agent {
    override createConnection(...args: Parameters<InstanceType<typeof http.Agent>['createConnection']>) {
      const socket = super.createConnection(...args);
      guardConnect(socket as Guardable | null | undefined, connectMs, 'connect');
      return socket;
    }
  }
  class HttpsAgent extends https.Agent {
    override createConnection(...args: Parameters<InstanceType<typeof https.Agent>['createConnection']>) {
      const socket = super.createConnection(...args);
      guardConnect(socket as Guardable | null | undefined, connectMs, 'secureConnect');
      return socket;
    }
  }
  return {
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
  };
}
