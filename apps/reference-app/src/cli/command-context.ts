import type { EnvSource } from '@kit/config';
import type { Resolver } from '../doctor/net-probes';
import type { Terminal } from '../io/terminal';

/** What a command runs with: its parsed flags and the process around it (injected in tests). */
export interface CommandContext {
  /** Option values by long name. */
  readonly values: Readonly<Record<string, string | boolean>>;
  readonly terminal: Terminal;
  readonly env: EnvSource;
  readonly cwd: string;
  /** The raw arguments (for the support bundle, secrets redacted there). */
  readonly argv: readonly string[];
  /** Host name resolution for the doctor (tests inject one). @default the system resolver */
  readonly resolver?: Resolver;
  /** Aborted on SIGINT/SIGTERM: commands stop and clean up. */
  readonly signal: AbortSignal;
}
