import type { SandboxScope } from './auth/credentials';
import type { RateLimitPolicy } from './http/rate-limiter';
import type { SandboxProfile } from './profiles';
import type { SandboxFaults } from './sandbox-faults';

/** Run-time switches of a running sandbox (also over HTTP, see README, "Admin"). */
export interface SandboxAdmin {
  /** Switches to a profile's fault mix and drops earlier overrides. */
  setProfile(profile: SandboxProfile): void;
  /** Overrides on top of the profile in force (per kind; replaces earlier overrides). */
  setFaults(faults: SandboxFaults): void;
  /** No faults at all (profile `none`, no overrides). */
  clearFaults(): void;
  /** The faults now in force (profile plus overrides). */
  readonly faults: SandboxFaults;
  /** The server clock becomes `Date.now() + offsetMs`. */
  setClockOffsetMs(offsetMs: number): void;
  readonly clockOffsetMs: number;
  /** Revokes every bearer token (they answer `TOKEN_REVOKED`); returns how many. */
  revokeTokens(): number;
  /** Expires every bearer token now (they answer `TOKEN_EXPIRED`); returns how many. */
  expireTokens(): number;
  /** Closes every WebSocket with `code` (default 1012). */
  dropConnections(code?: number): void;
  /** Every WebSocket goes silent with TCP kept open (a half-open peer). */
  stallConnections(): void;
  /** A new rate-limit policy (windows and bans start afresh), or `false` for none. */
  setRateLimit(policy: RateLimitPolicy | false): void;
  /** Changes the scopes of an API key or OAuth client (its tokens follow). */
  setScopes(id: string, scopes: readonly SandboxScope[]): void;
}
