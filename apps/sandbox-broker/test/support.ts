// A plain HTTP client for the tests: node:http(s) with the signing done by hand on node:crypto, so
// the server is checked against the contract, not against kit's own clients.
import { createHmac } from 'node:crypto';
import { type Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DEMO_CREDENTIALS } from '../src/index';

/** `hex(HMAC-SHA256(secret, timestamp + method + target + body))`, as API.md defines it. */
export function sign(
  secret: string,
  timestamp: string,
  method: string,
  target: string,
  body: string,
): string {
  return createHmac('sha256', secret)
    .update(timestamp + method + target + body)
    .digest('hex');
}

/** An answer: status, headers, raw text and the parsed JSON (undefined when not JSON). */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field
  json: any;
}

/** What to send. */
export interface Call {
  method?: string;
  /** The request target, e.g. `/v1/orders?limit=2`. */
  path: string;
  /** A JSON value (serialised) or a raw string. */
  body?: unknown;
  /** Sign with this key (the demo trader by default); `null` sends no credentials. */
  key?: { keyId: string; secret: string } | null;
  /** Bearer token instead of a key. */
  token?: string;
  /** The signing timestamp (epoch ms). @default Date.now() */
  timestamp?: number;
  headers?: Record<string, string>;
  agent?: HttpAgent | HttpsAgent;
  ca?: string;
}

/** Sends one request over loopback and reads the whole answer. */
export function call(baseUrl: string, options: Call): Promise<Answer> {
  const method = options.method ?? 'GET';
  const body =
    options.body === undefined
      ? ''
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body.length > 0) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  else if (options.key !== null) {
    const key = options.key ?? DEMO_CREDENTIALS.trader;
    const timestamp = String(options.timestamp ?? Date.now());
    headers['x-api-key'] = key.keyId;
    headers['x-timestamp'] = timestamp;
    headers['x-signature'] = sign(key.secret, timestamp, method, options.path, body);
  }
  const url = new URL(options.path, baseUrl);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, agent: options.agent, ...(options.ca ? { ca: options.ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A client bound to one broker URL. */
export function client(baseUrl: string) {
  return (options: Call | string) => call(baseUrl, typeof options === 'string' ? { path: options } : options);
}
