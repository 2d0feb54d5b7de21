// The sandbox broker as a command: `npx pnpm sandbox -- --port 8080 --seed 42 --profile mild`.
// Prints its URLs and the demo credentials, then runs until Ctrl-C (SIGINT) or SIGTERM.
import { parseArgs } from 'node:util';
import { isKitError } from '@kit/errors';
import { DEMO_ACCOUNT_ID, DEMO_CREDENTIALS } from './auth/credentials';
import { DEFAULT_SANDBOX_BROKER_OPTIONS, type SandboxBrokerOptions } from './options';
import { SANDBOX_PROFILES } from './profiles';
import { startSandboxBroker } from './start-sandbox-broker';

const USAGE = `Usage: pnpm sandbox -- [options]

A stateful simulated broker (REST + WebSocket) with seeded faults, on loopback.

Options:
  --port <n>              TCP port, 0 for any free one (default ${DEFAULT_SANDBOX_BROKER_OPTIONS.port})
  --host <addr>           loopback address to listen on (default ${DEFAULT_SANDBOX_BROKER_OPTIONS.host})
  --seed <n>              seed of the market and of every fault draw (default ${DEFAULT_SANDBOX_BROKER_OPTIONS.seed})
  --profile <name>        fault mix: ${SANDBOX_PROFILES.join(', ')} (default ${DEFAULT_SANDBOX_BROKER_OPTIONS.profile})
  --clock-offset-ms <n>   the server clock runs this far from this machine's (default 0)
  --tls <variant>         serve https/wss: valid, expired, wrong-host or untrusted (default: plain http)
  -h, --help              show this help

Example: pnpm sandbox -- --port 8080 --seed 42 --profile mild`;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${name} must be an integer, got "${text.slice(0, 40)}"`);
  return Number(text);
}

class UsageError extends Error {}

function parse(argv: string[]): SandboxBrokerOptions | 'help' {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        profile: { type: 'string' },
        'clock-offset-ms': { type: 'string' },
        tls: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help === true) return 'help';
  return {
    port: integer('port', v.port as string | undefined),
    host: v.host as string | undefined,
    seed: integer('seed', v.seed as string | undefined),
    profile: v.profile as SandboxBrokerOptions['profile'],
    clockOffsetMs: integer('clock-offset-ms', v['clock-offset-ms'] as string | undefined),
    tls: v.tls as SandboxBrokerOptions['tls'],
  };
}

async function main(): Promise<void> {
  // pnpm passes the `--` through to the script on some versions; it is not an option.
  const argv = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
  let options: SandboxBrokerOptions | 'help';
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`sandbox: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let broker: Awaited<ReturnType<typeof startSandboxBroker>>;
  try {
    broker = await startSandboxBroker(options);
  } catch (error) {
    const hint = isKitError(error) ? `\n  hint: ${error.hint}` : '';
    process.stderr.write(`sandbox: ${(error as Error).message}${hint}\n`);
    process.exitCode = 2;
    return;
  }
  const { trader, reader, oauthClient } = DEMO_CREDENTIALS;
  const lines = [
    `sandbox-broker listening (seed ${options.seed ?? DEFAULT_SANDBOX_BROKER_OPTIONS.seed}, profile ${options.profile ?? DEFAULT_SANDBOX_BROKER_OPTIONS.profile})`,
    `  REST    ${broker.url}/v1`,
    `  OAuth   ${broker.url}/oauth/token`,
    `  Stream  ${broker.wsUrl}`,
    `  Admin   ${broker.url}/admin/ledger  (Authorization: Bearer ${broker.adminToken})`,
    ...(broker.caCertPem ? ['  TLS     the test CA is fixtures/tls/ca.pem'] : []),
    `Demo credentials (account ${DEMO_ACCOUNT_ID}, sandbox only):`,
    `  trading key     ${trader.keyId}  secret ${trader.secret}  (${trader.scopes.join(', ')})`,
    `  read-only key   ${reader.keyId}  secret ${reader.secret}  (${reader.scopes.join(', ')})`,
    `  OAuth2 client   ${oauthClient.clientId}  secret ${oauthClient.clientSecret}  (${oauthClient.scopes.join(', ')})`,
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write('sandbox: forced exit\n');
      process.exit(130);
    }
    stopping = true;
    broker.close().then(
      () => {
        process.stdout.write(`sandbox-broker stopped (${signal})\n`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`sandbox: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The market and stream timers are unref'd (a forgotten sandbox never pins a test process), so
  // this interval is what keeps the command alive until a signal arrives.
  setInterval(() => {}, 1 << 30);
}

await main();
