import type { SandboxFaults } from '@kit/sandbox-broker';
import type { SessionAdmin } from './session-admin';

/** One scripted moment of the session. */
export interface ScriptStep {
  /** When it starts, as a fraction of the session's duration. */
  readonly at: number;
  /** What the status display shows while it lasts. */
  readonly label: string;
  /** Switches the sandbox into this step's faults. */
  readonly apply: (admin: SessionAdmin) => Promise<string | undefined>;
}

const ORDERS = ['POST /v1/orders'];
const READS = [
  'GET /v1/account',
  'GET /v1/positions',
  'GET /v1/quotes/*',
  'GET /v1/orders',
  'GET /v1/orders/*',
  'GET /v1/book/*',
];

const faults = (value: SandboxFaults) => async (admin: SessionAdmin) => {
  await admin.setFaults(value);
  return undefined;
};

/**
 * The session's script: each step replaces the previous step's overrides, on top of the chosen
 * profile's background mix, so every failure the issue names happens at least once whatever the
 * profile and seed. Orders keep flowing through all of it.
 */
export const FAULT_SCRIPT: readonly ScriptStep[] = [
  { at: 0, label: 'warming up: clock, account, positions, streams', apply: async () => undefined },
  {
    at: 0.1,
    label: 'orders whose response is lost after the order was created',
    apply: faults({ http: { responseLost: { probability: 0.6 }, match: ORDERS } }),
  },
  {
    at: 0.2,
    label: 'orders answered 503 EXECUTION_UNKNOWN (created or not)',
    apply: faults({
      http: { executionUnknown: { probability: 0.6, createdProbability: 0.5 }, match: ORDERS },
    }),
  },
  {
    at: 0.3,
    label: '5xx bursts on reads',
    apply: faults({ http: { serverError: { probability: 0.4 }, match: READS } }),
  },
  {
    at: 0.38,
    label: '429 rate-limit bursts with Retry-After',
    apply: faults({ http: { rateLimitBurst: { probability: 0.25, length: 3, retryAfterSeconds: 1 } } }),
  },
  {
    at: 0.46,
    label: 'connection resets before and after the handler',
    apply: faults({ http: { resetBefore: { probability: 0.15 }, resetAfter: { probability: 0.1 } } }),
  },
  {
    at: 0.54,
    label: 'WebSocket drop (close 1012) on every stream',
    apply: async (admin) => {
      await admin.setFaults({});
      await admin.dropConnections();
      return undefined;
    },
  },
  {
    at: 0.6,
    label: 'sequence gaps, duplicates and corrupt book checksums',
    apply: faults({
      ws: {
        skipSeq: { probability: 0.04 },
        duplicateSeq: { probability: 0.03 },
        corruptChecksum: { probability: 0.03 },
      },
    }),
  },
  {
    at: 0.7,
    label: 'schema drift: renamed and new fields in answers',
    apply: faults({ http: { drift: { probability: 0.25 } } }),
  },
  {
    at: 0.78,
    label: 'expired OAuth token',
    apply: async (admin) => {
      await admin.setFaults({});
      const done = await admin.expireTokens();
      return done ? undefined : 'no token to expire';
    },
  },
];

/** When the scripted faults stop and the session settles (a fraction of the duration). */
export const SETTLE_AT = 0.86;
