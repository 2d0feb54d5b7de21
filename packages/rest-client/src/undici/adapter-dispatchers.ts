import { registerSecretValue } from '@kit/logger';
import type { AxiosProxyConfig } from 'axios';
import { Agent, type Dispatcher, EnvHttpProxyAgent, interceptors, ProxyAgent } from 'undici';
import type { ResolvedUndiciAdapterOptions } from './undici-adapter-options';

/** A base dispatcher and the same dispatcher with undici's redirect interceptor composed on top. */
export interface DispatcherPair {
  /** Sends without following redirects (used when the redirect limit is 0: fewer allocations per request). */
  readonly direct: Dispatcher;
  /** Follows redirects up to the `maxRedirections` given per request. */
  readonly redirecting: Dispatcher;
}

/** The dispatchers one adapter sends through: one keep-alive pool per route (direct, env proxy, explicit proxy). */
export interface AdapterDispatchers {
  /** Picks the dispatcher for axios's `config.proxy` (`undefined`: environment, `false`: never a proxy, object: that proxy). */
  select(proxy: AxiosProxyConfig | false | undefined): DispatcherPair;
  /** Closes every dispatcher this object created (never a user-supplied one). */
  close(): Promise<void>;
}

const ENV_PROXY_NAMES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'] as const;

/** Whether a proxy is configured in the environment (read once, when the adapter is created). */
function hasEnvProxy(env: Record<string, string | undefined> = process.env): boolean {
  return ENV_PROXY_NAMES.some((name) => Boolean(env[name]));
}

function pair(base: Dispatcher): DispatcherPair {
  return { direct: base, redirecting: base.compose(interceptors.redirect({})) };
}

function proxyUri(proxy: AxiosProxyConfig): string {
  const protocol = (proxy.protocol ?? 'http').replace(/:$/, '');
  return `${protocol}://${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}`;
}

function proxyToken(proxy: AxiosProxyConfig): string | undefined {
  if (!proxy.auth) return undefined;
  const credentials = Buffer.from(`${proxy.auth.username}:${proxy.auth.password}`, 'utf8').toString('base64');
  // The proxy's Basic credential is a secret kit derived: registered before it is ever sent.
  registerSecretValue(credentials);
  registerSecretValue(proxy.auth.password);
  return `Basic ${credentials}`;
}

/**
 * Creates the adapter's dispatchers. With a user dispatcher, every route uses it (the user owns
 * proxying). Otherwise one shared keep-alive `Agent` (an `EnvHttpProxyAgent` when proxy variables are
 * set), plus lazily created agents for `proxy: false` and for explicit axios proxy objects.
 */
export function createAdapterDispatchers(options: ResolvedUndiciAdapterOptions): AdapterDispatchers {
  if (options.dispatcher) {
    const user = pair(options.dispatcher);
    return { select: () => user, close: async () => {} };
  }
  const agentOptions: Agent.Options = {
    connect: { timeout: options.connectTimeoutMs, ...options.tls },
    keepAliveTimeout: options.keepAliveTimeoutMs,
    pipelining: options.pipelining,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  };
  const owned: Dispatcher[] = [];
  const own = <T extends Dispatcher>(dispatcher: T): T => {
    owned.push(dispatcher);
    return dispatcher;
  };
  let noProxy: DispatcherPair | undefined;
  const getNoProxy = () => {
    noProxy ??= pair(own(new Agent(agentOptions)));
    return noProxy;
  };
  const fromEnv =
    options.proxyFromEnv && hasEnvProxy() ? pair(own(new EnvHttpProxyAgent(agentOptions))) : undefined;
  const explicit = new Map<string, DispatcherPair>();
  return {
    select(proxy) {
      if (proxy === undefined || proxy === null) return fromEnv ?? getNoProxy();
      if (proxy === false) return getNoProxy();
      const uri = proxyUri(proxy);
      const token = proxyToken(proxy);
      const key = `${uri} ${token ?? ''}`;
      let found = explicit.get(key);
      if (!found) {
        found = pair(own(new ProxyAgent({ ...agentOptions, uri, ...(token ? { token } : {}) })));
        explicit.set(key, found);
      }
      return found;
    },
    async close() {
      await Promise.all(owned.map((dispatcher) => dispatcher.close()));
    },
  };
}
