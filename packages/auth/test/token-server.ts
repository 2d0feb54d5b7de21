import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the loopback token endpoint saw. */
export interface SeenTokenRequest {
  method: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** How the endpoint answers one request. */
export type TokenReply =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }
  /** Drop the connection without answering (a network failure). */
  | 'destroy'
  /** Never answer (a hung server). */
  | 'hang';

export type TokenHandler = (request: SeenTokenRequest, index: number) => TokenReply | Promise<TokenReply>;

/** A real node:http token endpoint on 127.0.0.1, port 0. */
export interface TokenServer {
  url: string;
  requests: SeenTokenRequest[];
  /** Resolves when the request with this index (0-based) has arrived. */
  arrived(index: number): Promise<SeenTokenRequest>;
  close(): Promise<void>;
}

function send(res: ServerResponse, reply: Exclude<TokenReply, 'destroy' | 'hang'>): void {
  const headers: Record<string, string> = { ...reply.headers };
  let body = reply.text ?? '';
  if (reply.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(reply.json);
  }
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

export async function startTokenServer(handler: TokenHandler): Promise<TokenServer> {
  const requests: SeenTokenRequest[] = [];
  const waiters = new Map<number, Array<(r: SeenTokenRequest) => void>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: SeenTokenRequest = {
        method: req.method ?? '',
        params: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
        headers: req.headers,
      };
      const index = requests.push(seen) - 1;
      for (const resolve of waiters.get(index) ?? []) resolve(seen);
      waiters.delete(index);
      Promise.resolve(handler(seen, index)).then(
        (reply) => {
          if (reply === 'destroy') req.socket.destroy();
          else if (reply !== 'hang') send(res, reply);
        },
        () => send(res, { status: 500, text: 'handler failed' }),
      );
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oauth/token`,
    requests,
    arrived(index) {
      const seen = requests[index];
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.set(index, [...(waiters.get(index) ?? []), resolve]));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A deferred reply: the test decides when the endpoint answers. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A standard successful token body. */
export function tokenBody(accessToken: string, expiresInS?: number, refreshToken?: string): TokenReply {
  return {
    json: {
      access_token: accessToken,
      token_type: 'Bearer',
      ...(expiresInS === undefined ? {} : { expires_in: expiresInS }),
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    },
  };
}
