import { readFileSync } from 'node:fs';
import type { SandboxTlsVariant } from './options';

/** A key and certificate for `https.createServer`, plus the test CA that signed the valid ones. */
export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  readonly caCertPem: string;
}

const DIR = new URL('../fixtures/tls/', import.meta.url);

/**
 * Loads the committed fixture for a variant (`scripts/generate-tls-fixtures.sh` makes them, with
 * fixed dates: `valid` lasts until 2124, `expired` ended in 2021).
 */
export function loadTlsFixture(variant: SandboxTlsVariant): TlsMaterial {
  const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');
  return { key: read('server.key'), cert: read(`${variant}.pem`), caCertPem: read('ca.pem') };
}
