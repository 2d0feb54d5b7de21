// The public surface of @kit/sandbox-broker. Internals (the router, trading engine, market, stream)
// are not exported: tests and apps talk to the sandbox over HTTP and WebSocket, like any client.
export type { SandboxApiKey, SandboxOAuthClient, SandboxScope } from './auth/credentials';
export { DEMO_ACCOUNT_ID, DEMO_CREDENTIALS } from './auth/credentials';
export type { RateLimitPolicy } from './http/rate-limiter';
export type {
  LedgerCounts,
  LedgerDuplicate,
  LedgerFault,
  LedgerOrder,
  SandboxLedger,
} from './ledger/sandbox-ledger';
export type { BookLevel, BookSnapshot, Quote } from './market/market-types';
export type { SandboxBrokerOptions, SandboxTlsVariant } from './options';
export { DEFAULT_SANDBOX_BROKER_OPTIONS } from './options';
export type { SandboxProfile } from './profiles';
export { PROFILES, SANDBOX_PROFILES } from './profiles';
export type { SandboxAdmin } from './sandbox-admin';
export type { ProbabilityFault, SandboxFaults, SandboxHttpFaults, SandboxWsFaults } from './sandbox-faults';
export type { SandboxBroker } from './start-sandbox-broker';
export { startSandboxBroker } from './start-sandbox-broker';
export type { Order, OrderEvent } from './trading/trading-types';
