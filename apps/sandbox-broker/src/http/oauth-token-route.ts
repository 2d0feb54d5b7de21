import type { SandboxAuthenticator } from '../auth/create-authenticator';

/** An answer of the token endpoint (RFC 6749 bodies, not the `/v1` error shape). */
export interface TokenReply {
  readonly status: number;
  readonly json: unknown;
  readonly headers: string[];
}

const NO_STORE = ['cache-control', 'no-store', 'pragma', 'no-cache'];

function error(status: number, code: string, description: string, headers: string[] = []): TokenReply {
  return {
    status,
    json: { error: code, error_description: description },
    headers: [...NO_STORE, ...headers],
  };
}

/** Decodes `Authorization: Basic base64(id:secret)` (each part form-url-encoded, RFC 6749 §2.3.1). */
function basicCredentials(
  header: string | undefined,
): { id: string; secret: string } | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return 'malformed';
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/**
 * `POST /oauth/token`, client credentials only: the client authenticates with HTTP Basic or with
 * `client_id` / `client_secret` form fields (not both), and gets a bearer token for `tokenTtlMs`.
 */
export function handleTokenRequest(
  auth: SandboxAuthenticator,
  method: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
): TokenReply {
  if (method !== 'POST') return error(405, 'invalid_request', 'Use POST', ['allow', 'POST']);
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return error(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(body);
  const grant = form.get('grant_type');
  if (grant === null) return error(400, 'invalid_request', 'grant_type is missing');
  if (grant !== 'client_credentials')
    return error(400, 'unsupported_grant_type', 'Only client_credentials is supported');
  const authorization = headers.authorization;
  const basic = basicCredentials(typeof authorization === 'string' ? authorization : undefined);
  if (basic === 'malformed')
    return error(400, 'invalid_request', 'The Authorization header is not valid HTTP Basic');
  const formId = form.get('client_id');
  const formSecret = form.get('client_secret');
  if (basic !== undefined && (formId !== null || formSecret !== null)) {
    return error(400, 'invalid_request', 'Authenticate the client with Basic or with form fields, not both');
  }
  const id = basic?.id ?? formId;
  const secret = basic?.secret ?? formSecret;
  const challenge = basic !== undefined ? ['www-authenticate', 'Basic realm="sandbox-broker"'] : [];
  if (id === null || secret === null)
    return error(401, 'invalid_client', 'Client authentication is missing', challenge);
  const issued = auth.issueToken(id, secret, form.get('scope') ?? undefined);
  if (!issued.ok) {
    return issued.error === 'invalid_scope'
      ? error(400, 'invalid_scope', 'The client may not have the scope it asked for')
      : error(401, 'invalid_client', 'Unknown client or wrong client secret', challenge);
  }
  return {
    status: 200,
    json: {
      access_token: issued.token.accessToken,
      token_type: 'Bearer',
      expires_in: issued.token.expiresInSeconds,
      scope: issued.token.scopes.join(' '),
    },
    headers: [...NO_STORE],
  };
}
