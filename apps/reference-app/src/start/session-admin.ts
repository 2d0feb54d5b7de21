import type { SandboxBroker, SandboxFaults, SandboxLedger, SandboxProfile } from '@kit/sandbox-broker';

/** What the session needs from the sandbox's admin side: scripting faults and reading the ledger. */
export interface SessionAdmin {
  /** Where the admin side is: `embedded` (in process), `http` (admin token), or `none`. */
  readonly kind: 'embedded' | 'http' | 'none';
  /** Overrides on top of the profile (replaces earlier overrides). */
  setFaults(faults: SandboxFaults): Promise<void>;
  /** Back to the profile's own mix, overrides dropped. */
  setProfile(profile: SandboxProfile): Promise<void>;
  /** No faults at all. */
  clearFaults(): Promise<void>;
  /** Closes every WebSocket (1012: a server restart). */
  dropConnections(): Promise<void>;
  /** Expires every bearer token; false when this admin side cannot. */
  expireTokens(): Promise<boolean>;
  /** The ground truth, when available. */
  ledger(): Promise<SandboxLedger | undefined>;
}

/** The admin side of the embedded sandbox. */
export function embeddedAdmin(broker: SandboxBroker): SessionAdmin {
  return {
    kind: 'embedded',
    setFaults: async (faults) => broker.admin.setFaults(faults),
    setProfile: async (profile) => broker.admin.setProfile(profile),
    clearFaults: async () => broker.admin.clearFaults(),
    dropConnections: async () => broker.admin.dropConnections(1012),
    expireTokens: async () => {
      broker.admin.expireTokens();
      return true;
    },
    ledger: async () => broker.ledger(),
  };
}

/**
 * The admin side of a separately started sandbox, over its loopback admin HTTP endpoint
 * (API.md, "Admin"). It has no expire-tokens route, so that step revokes tokens instead (the
 * client sees `TOKEN_REVOKED` and fetches a new token the same way).
 */
export function httpAdmin(
  baseUrl: string,
  adminToken: string,
  fetchImpl: typeof fetch = fetch,
): SessionAdmin {
  const post = async (path: string, body?: unknown): Promise<void> => {
    const response = await fetchImpl(`${baseUrl}/admin/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? '{}' : JSON.stringify(body),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`admin ${path} answered ${response.status}`);
  };
  return {
    kind: 'http',
    setFaults: (faults) => post('faults', faults),
    setProfile: (profile) => post('faults', { profile }),
    clearFaults: () => post('faults', { profile: 'none' }),
    dropConnections: () => post('drop-connections'),
    expireTokens: async () => {
      await post('revoke-tokens');
      return true;
    },
    ledger: async () => {
      const response = await fetchImpl(`${baseUrl}/admin/ledger`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      if (!response.ok) {
        await response.arrayBuffer();
        return undefined;
      }
      return (await response.json()) as SandboxLedger;
    },
  };
}

/** No admin access: the session runs, but faults are only what the target does by itself. */
export const noAdmin: SessionAdmin = {
  kind: 'none',
  setFaults: async () => {},
  setProfile: async () => {},
  clearFaults: async () => {},
  dropConnections: async () => {},
  expireTokens: async () => false,
  ledger: async () => undefined,
};
