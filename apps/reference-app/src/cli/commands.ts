import type { CommandSpec, OptionSpec } from './command-spec';

/** Options every command (but `sandbox`) accepts. */
const COMMON_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'config',
    type: 'string',
    valueName: 'FILE',
    description: 'JSON config file (default ./kit.config.json if present; KIT_CONFIG_FILE wins)',
  },
  {
    name: 'target',
    type: 'string',
    valueName: 'URL',
    configKey: 'target',
    description: 'Base URL of another deployment of the API (default: the embedded sandbox)',
  },
  {
    name: 'ws-url',
    type: 'string',
    valueName: 'URL',
    configKey: 'wsUrl',
    description: 'Stream URL (default: derived from --target, ws(s)://HOST/v1/stream)',
  },
  {
    name: 'ca-file',
    type: 'string',
    valueName: 'FILE',
    configKey: 'caFile',
    description: 'Extra CA certificate (PEM) to trust for https/wss',
  },
  { name: 'json', type: 'boolean', description: 'Print one JSON object on stdout instead of the report' },
  {
    name: 'log-file',
    type: 'string',
    valueName: 'FILE',
    configKey: 'logFile',
    description: 'Write structured JSON logs to FILE (default: stderr; doctor keeps them for --bundle)',
  },
  {
    name: 'log-level',
    type: 'string',
    valueName: 'LEVEL',
    configKey: 'logLevel',
    description: 'debug | info | warn | error | silent (default warn)',
  },
  {
    name: 'no-color',
    type: 'boolean',
    description: 'No colours (also when NO_COLOR is set or output is piped)',
  },
  { name: 'help', type: 'boolean', short: 'h', description: 'Show this help' },
];

const ENV_LINES = [
  'Every setting can also come from the environment or the config file; flags win over the',
  'environment, which wins over the file. Credentials for --target: KIT_API_KEY + KIT_API_SECRET',
  '(HMAC) or KIT_CLIENT_ID + KIT_CLIENT_SECRET (OAuth2). `kit doctor --help` lists every setting.',
];

/** `kit start`. */
export const START_COMMAND: CommandSpec = {
  name: 'start',
  summary: 'Run the scripted session through the sample adapter and print the summary (default)',
  usage: 'start [options]',
  description: [
    'Boots the embedded sandbox broker (seeded faults) unless --target is given, then runs a scripted',
    'session through the sample adapter: clock skew, account, positions, quote/book/order streams, and',
    'orders placed and cancelled while the sandbox injects 5xx, 429s, resets, lost responses, unknown',
    'executions, WebSocket drops, sequence gaps, a schema drift and an expired token. The summary',
    "comes from the adapter's stats and the sandbox's own ledger.",
  ],
  options: [
    {
      name: 'profile',
      type: 'string',
      valueName: 'NAME',
      configKey: 'profile',
      description: 'Fault profile of the embedded sandbox: none | mild | harsh (default mild)',
    },
    {
      name: 'seed',
      type: 'string',
      valueName: 'N',
      configKey: 'seed',
      description: 'Seed of every injected fault (default: random, printed so a run can be replayed)',
    },
    {
      name: 'duration',
      type: 'string',
      valueName: 'TIME',
      configKey: 'duration',
      description: 'How long the session runs, e.g. 20s, 1m (default 30s)',
    },
    {
      name: 'admin-token',
      type: 'string',
      valueName: 'TOKEN',
      configKey: 'adminToken',
      description: "With --target: the sandbox's admin token, to script faults and read its ledger",
    },
    {
      name: 'metrics-port',
      type: 'string',
      valueName: 'PORT',
      description:
        'Serve OpenTelemetry metrics for Prometheus on http://127.0.0.1:PORT/metrics (0: any free port)',
    },
    {
      name: 'otel',
      type: 'string',
      valueName: 'MODE',
      description:
        'console: print every OpenTelemetry span (REST calls and attempts, WebSocket sessions) as it ends',
    },
    ...COMMON_OPTIONS,
  ],
  sections: [
    { title: 'Environment and config', lines: ENV_LINES },
    {
      title: 'Exit codes',
      lines: [
        '0  the session met its invariants (no duplicate order, no lost order event, book equal to a snapshot)',
        '1  an invariant failed or the session could not run',
        '64 usage or configuration error',
      ],
    },
  ],
};

/** `kit doctor`. */
export const DOCTOR_COMMAND: CommandSpec = {
  name: 'doctor',
  summary: 'Check a setup step by step and say what is wrong and how to fix it',
  usage: 'doctor [options]',
  description: [
    'Runs a checklist in dependency order against the embedded sandbox, or --target: config, DNS, TCP',
    'connect, TLS (expiry, host name, trust), HTTP, clock skew against the signing window, credentials',
    '(a signed call), permissions, rate-limit headroom, WebSocket handshake, login, first heartbeat and',
    "a subscription's first message. A check whose prerequisite failed is shown as skipped.",
  ],
  options: [
    {
      name: 'bundle',
      type: 'string',
      valueName: 'FILE',
      description: 'Write a support bundle (versions, OS, redacted config, checks, last log lines) to FILE',
    },
    {
      name: 'timeout',
      type: 'string',
      valueName: 'TIME',
      configKey: 'timeout',
      description: 'Time limit of each network check, e.g. 5s (default 5s)',
    },
    ...COMMON_OPTIONS,
  ],
  sections: [
    { title: 'Environment and config', lines: ENV_LINES },
    {
      title: 'Exit codes',
      lines: ['0  every check passed', '1  a check failed', '2  only warnings', '64 usage error'],
    },
  ],
};

/** `kit sandbox`. */
const SANDBOX_COMMAND: CommandSpec = {
  name: 'sandbox',
  summary: 'Run the sandbox broker on its own (its options: kit sandbox --help)',
  usage: 'sandbox [sandbox options]',
  description: [
    "Starts the sandbox broker's own command line (apps/sandbox-broker) in the foreground, so `kit start",
    '--target URL` and `kit doctor --target URL` can be pointed at it. Every argument goes to the sandbox.',
  ],
  options: [],
  passThrough: true,
};

/** Every command, in help order. */
export const COMMANDS: readonly CommandSpec[] = [START_COMMAND, DOCTOR_COMMAND, SANDBOX_COMMAND];
