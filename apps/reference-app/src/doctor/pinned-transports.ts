import http from 'node:http';
import https from 'node:https';
import type { FetchLike } from '@kit/auth';
import axios, { type AxiosInstance } from 'axios';
import WebSocket from 'ws';
import { pinnedLookup, type ResolvedAddress } from './net-probes';

/** An axios instance whose sockets go to the address the doctor resolved, trusting `ca`. */
export interface PinnedAxios {
  readonly instance: AxiosInstance;
  /** Closes the keep-alive sockets. */
  close(): void;
}

/**
 * The doctor's calls through kit's clients connect to the address its DNS check found (and trust
 * the extra CA), so a test's injected resolver is the only resolver, and what is checked is the
 * same path for every later check.
 */
export function createPinnedAxios(target: ResolvedAddress, ca: string[] | undefined): PinnedAxios {
  const lookup = pinnedLookup(target);
  const httpAgent = new http.Agent({ keepAlive: true, lookup } as http.AgentOptions);
  const httpsAgent = new https.Agent({
    keepAlive: true,
    lookup,
    ...(ca === undefined ? {} : { ca }),
  } as https.AgentOptions);
  return {
    instance: axios.create({ httpAgent, httpsAgent, maxRedirects: 0 }),
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** A `fetch` for @kit/auth's OAuth2 token requests on the same pinned path. */
export function createPinnedFetch(
  target: ResolvedAddress,
  ca: string[] | undefined,
  timeoutMs: number,
): FetchLike {
  const lookup = pinnedLookup(target);
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const parsed = new URL(url);
      const isHttps = parsed.protocol === 'https:';
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const request = (isHttps ? https : http).request(parsed, {
        method: init.method ?? 'GET',
        agent: false,
        lookup,
        headers,
        ...(isHttps && ca !== undefined ? { ca } : {}),
      });
      const timer = setTimeout(
        () => request.destroy(Object.assign(new Error('token request timed out'), { code: 'ETIMEDOUT' })),
        timeoutMs,
      );
      const onAbort = () => request.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      init.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        init.signal?.removeEventListener('abort', onAbort);
      };
      request.once('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => {
          done();
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') responseHeaders.set(name, value);
            else if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
          }
          const status = response.statusCode ?? 500;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: responseHeaders }));
        });
        response.once('error', (error) => {
          done();
          reject(error);
        });
      });
      request.once('error', (error) => {
        done();
        reject(error);
      });
      if (typeof init.body === 'string') request.end(init.body);
      else if (init.body instanceof URLSearchParams) request.end(init.body.toString());
      else request.end();
    });
}

/** A `ws` WebSocket class for @kit/ws-client that connects to the pinned address and trusts `ca`. */
export function createPinnedWebSocket(
  target: ResolvedAddress,
  ca: string[] | undefined,
): new (
  url: string,
  protocols?: string | string[],
  options?: WebSocket.ClientOptions,
) => WebSocket {
  const lookup = pinnedLookup(target);
  return class PinnedWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[], options?: WebSocket.ClientOptions) {
      super(url, protocols, {
        ...options,
        lookup,
        ...(ca === undefined ? {} : { ca }),
      } as WebSocket.ClientOptions);
    }
  };
}
