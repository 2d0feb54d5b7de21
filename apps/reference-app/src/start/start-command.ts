import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfigError } from '@kit/config';
import { isKitError } from '@kit/errors';
import type { LogLevel } from '@kit/logger';
import { createSampleBroker, type SampleBroker, sampleBrokerConfig } from '@kit/sample-broker';
import type { SandboxBroker } from '@kit/sandbox-broker';
import type { CommandContext } from '../cli/command-context';
import { START_COMMAND } from '../cli/commands';
import { EXIT_USAGE } from '../cli/exit-codes';
import { type ApiTarget, describeCredentials, embeddedTarget, remoteTarget } from '../config/api-target';
import {
  type Credentials,
  configuredCredentials,
  describeProblem,
  loadAppConfig,
} from '../config/app-config';
import { createAppLogger } from '../io/app-logger';
import { createLiveDisplay, type LiveDisplay } from '../io/display';
import { formatMs } from '../io/table';
import { stylesFor } from '../io/terminal';
import { demoOAuthCredentials, startEmbeddedSandbox } from '../sandbox/embedded-sandbox';
import { type AppTelemetry, type OtelMode, startTelemetry } from '../telemetry';
import { createGroundTruth } from './ground-truth';
import { runSession } from './run-session';
import { embeddedAdmin, httpAdmin, noAdmin, type SessionAdmin } from './session-admin';
import type { SessionState } from './session-state';
import { progressLine, statusBlock } from './status-view';
import { buildSummary, renderSummary } from './summary';

/** Adapter settings in the adapter's own config, from the app's target and credentials. */
function adapterOverrides(target: ApiTarget, credentials: Credentials): Record<string, string> {
  const base = { baseUrl: target.baseUrl, wsUrl: target.wsUrl };
  return credentials.kind === 'hmac'
    ? { ...base, apiKey: credentials.apiKey, apiSecret: credentials.apiSecret.reveal() }
    : { ...base, clientId: credentials.clientId, clientSecret: credentials.clientSecret.reveal() };
}

/** `kit start`: the scripted session and its summary. Returns the exit code. */
export async function startCommand(context: CommandContext): Promise<number> {
  const { terminal, values } = context;
  const styles = stylesFor(terminal);
  const json = values.json === true;
  const loaded = loadAppConfig({
    flags: values,
    optionSpecs: START_COMMAND.options,
    env: context.env,
    cwd: context.cwd,
  });
  if (!loaded.ok) {
    const lines = loaded.problems.map((problem) => {
      const { what, hint } = describeProblem(problem);
      return `  ${styles.red('✖')} ${problem.code}  ${what}\n    ${styles.dim('hint:')} ${hint}`;
    });
    terminal.err(
      `kit start: ${loaded.problems.length} configuration problem${loaded.problems.length === 1 ? '' : 's'}\n${lines.join('\n')}\n  (run \`kit doctor\` for the full checklist)\n`,
    );
    return EXIT_USAGE;
  }
  const config = loaded.config;
  const seed = config.seed ?? randomInt(1, 1_000_000);
  let display: LiveDisplay | undefined;
  // On a terminal the live block is the output: JSON lines scrolling above it would bury it, so
  // unless a file or a level was asked for they go to a file named in the header. Piped (CI), they
  // go to stderr as usual.
  const askedLevel = typeof values['log-level'] === 'string' || context.env.KIT_LOG_LEVEL !== undefined;
  const logFile =
    config.logFile ??
    (terminal.isTTY && terminal.errIsTTY && !json && !askedLevel
      ? join(tmpdir(), `kit-start-${seed}.log`)
      : undefined);
  const log = createAppLogger({
    level: config.logLevel as LogLevel,
    ...(logFile === undefined ? {} : { file: logFile }),
    writeStderr: (line) => (display ? display.log(line) : terminal.err(`${line}\n`)),
  });

  let sandbox: SandboxBroker | undefined;
  let broker: SampleBroker | undefined;
  let telemetry: AppTelemetry | undefined;
  try {
    // Before the adapter exists: the clients look for OpenTelemetry providers once, at creation.
    const metricsPort = values['metrics-port'];
    try {
      telemetry = await startTelemetry({
        metricsPort: typeof metricsPort === 'string' ? Number(metricsPort) : undefined,
        otel: typeof values.otel === 'string' ? (values.otel as OtelMode) : undefined,
        write: (line) => (display ? display.log(line) : terminal.err(`${line}\n`)),
      });
    } catch (error) {
      if (!isKitError(error) || error.code !== 'config.invalid') throw error;
      terminal.err(`kit start: ${error.message}\n  hint: ${error.hint}\n`);
      return EXIT_USAGE;
    }
    let target: ApiTarget;
    let admin: SessionAdmin;
    const credentials = configuredCredentials(config) ?? demoOAuthCredentials();
    if (config.target === undefined) {
      sandbox = await startEmbeddedSandbox({ profile: config.profile, seed });
      target = embeddedTarget(sandbox.url, sandbox.wsUrl, credentials);
      admin = embeddedAdmin(sandbox);
    } else {
      target = remoteTarget(config, credentials);
      admin = config.adminToken ? httpAdmin(target.baseUrl, config.adminToken.reveal()) : noAdmin;
    }
    let adapterConfig: ReturnType<typeof sampleBrokerConfig.load>;
    try {
      adapterConfig = sampleBrokerConfig.load({
        env: {},
        overrides: adapterOverrides(target, credentials) as never,
      });
    } catch (error) {
      if (!isConfigError(error)) throw error;
      terminal.err(`kit start: the adapter rejected its configuration\n${error.message}\n`);
      return EXIT_USAGE;
    }
    // A short session cannot spend the adapter's default 10 s resolving one unknown outcome.
    const reconcileBudgetMs = Math.min(10_000, Math.max(2_000, Math.round(config.duration / 5)));
    broker = createSampleBroker(adapterConfig, {
      logger: log.logger.child({ component: 'adapter' }),
      reconcileBudgetMs,
    });

    const where =
      target.kind === 'embedded' ? `embedded sandbox ${target.baseUrl}` : `target ${target.baseUrl}`;
    if (!json && telemetry?.metricsUrl)
      terminal.out(styles.dim(`  metrics for Prometheus at ${telemetry.metricsUrl}\n`));
    if (!json) {
      terminal.out(
        `${styles.bold('kit start')}  ${where}  profile ${styles.bold(config.profile)}  seed ${styles.bold(String(seed))}  ${formatMs(config.duration)}\n`,
      );
      terminal.out(
        styles.dim(
          `  ${describeCredentials(credentials)} through the sample adapter; logs (${config.logLevel}+) to ${log.destination}${admin.kind === 'none' ? '; no admin access: faults are not scripted' : ''}\n\n`,
        ),
      );
    }
    let state: SessionState | undefined;
    const live = broker;
    if (!json) {
      display = createLiveDisplay(terminal, {
        block: () => (state ? statusBlock(state, live.stats(), styles, performance.now()) : ['starting…']),
        progressLine: () => (state ? progressLine(state, live.stats(), performance.now()) : 'starting'),
      });
      display.start();
    }
    const result = await runSession({
      broker,
      admin,
      profile: config.profile,
      durationMs: config.duration,
      symbol: config.symbol,
      seed,
      groundTruth: createGroundTruth(target, log.logger),
      logger: log.logger.child({ component: 'session' }),
      signal: context.signal,
      onState: (created) => {
        state = created;
      },
    });
    display?.stop();
    display = undefined;
    const summary = buildSummary(result, {
      target: { kind: target.kind, baseUrl: target.baseUrl },
      profile: config.profile,
      seed,
      durationMs: config.duration,
      adminAccess: admin.kind,
    });
    if (json) terminal.out(`${JSON.stringify(summary)}\n`);
    else terminal.out(`\n${renderSummary(summary, styles).join('\n')}\n`);
    if (summary.interrupted) return 130;
    return summary.ok ? 0 : 1;
  } finally {
    display?.stop();
    await broker?.close();
    await sandbox?.close();
    await telemetry?.shutdown();
  }
}
