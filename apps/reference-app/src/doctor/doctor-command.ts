import { readFileSync } from 'node:fs';
import type { LogLevel } from '@kit/logger';
import type { SandboxBroker } from '@kit/sandbox-broker';
import type { CommandContext } from '../cli/command-context';
import { DOCTOR_COMMAND } from '../cli/commands';
import { type ApiTarget, describeCredentials, embeddedTarget, remoteTarget } from '../config/api-target';
import {
  type AppConfig,
  appConfig,
  type Credentials,
  configuredCredentials,
  loadAppConfig,
} from '../config/app-config';
import { createAppLogger } from '../io/app-logger';
import { stylesFor } from '../io/terminal';
import { demoHmacCredentials, startEmbeddedSandbox } from '../sandbox/embedded-sandbox';
import { renderCheck, renderDoctorFooter } from './render-doctor';
import { runDoctor } from './run-doctor';
import { writeSupportBundle } from './support-bundle';

/** `kit doctor`: runs the checklist, prints it (or `--json`), writes `--bundle`. Returns the exit code. */
export async function doctorCommand(context: CommandContext): Promise<number> {
  const { terminal, values } = context;
  const styles = stylesFor(terminal);
  const json = values.json === true;
  const loaded = loadAppConfig({
    flags: values,
    optionSpecs: DOCTOR_COMMAND.options,
    env: context.env,
    cwd: context.cwd,
  });
  const config: AppConfig | undefined = loaded.ok ? loaded.config : undefined;
  const flagLevel = typeof values['log-level'] === 'string' ? values['log-level'] : undefined;
  const logFile =
    config?.logFile ?? (typeof values['log-file'] === 'string' ? values['log-file'] : undefined);
  // The report is the doctor's output: log lines on the same terminal would only bury it, so they
  // are kept for --bundle and written out only where asked (a file, or a level chosen explicitly).
  const asked = logFile !== undefined || flagLevel !== undefined || context.env.KIT_LOG_LEVEL !== undefined;
  const level = (
    asked ? (config?.logLevel ?? (isLevel(flagLevel) ? flagLevel : 'warn')) : 'silent'
  ) as LogLevel;
  const log = createAppLogger({
    level,
    ...(logFile === undefined ? {} : { file: logFile }),
    writeStderr: (line) => terminal.err(`${line}\n`),
    captureLevel: 'debug',
  });

  let sandbox: SandboxBroker | undefined;
  let target: ApiTarget | undefined;
  let credentials: Credentials | undefined;
  let caPem: string | undefined;
  const configDetails: string[] = [];
  try {
    if (config) {
      credentials = configuredCredentials(config) ?? demoHmacCredentials();
      if (config.target === undefined) {
        sandbox = await startEmbeddedSandbox({ profile: 'none', seed: config.seed ?? 1 });
        target = embeddedTarget(sandbox.url, sandbox.wsUrl, credentials);
      } else {
        target = remoteTarget(config, credentials);
      }
      if (config.caFile !== undefined) caPem = readFileSync(config.caFile, 'utf8');
      configDetails.push(
        loaded.file ? `config file ${loaded.file}` : 'no config file (flags, KIT_* environment and defaults)',
      );
    }
    const where = target
      ? `${target.baseUrl}${target.kind === 'embedded' ? ' (embedded sandbox)' : ''}`
      : 'the configured target';
    if (!json) terminal.out(`${styles.bold('kit doctor')} checking ${where}\n\n`);
    const report = await runDoctor({
      ...(loaded.ok ? {} : { configProblems: loaded.problems }),
      configSummary:
        target && credentials
          ? `${target.kind === 'embedded' ? 'embedded sandbox' : '--target'}, ${describeCredentials(credentials)}`
          : '',
      configDetails,
      ...(target === undefined ? {} : { target }),
      ...(caPem === undefined ? {} : { caPem }),
      ...(context.resolver === undefined ? {} : { resolver: context.resolver }),
      timeoutMs: config?.timeout ?? 5_000,
      recvWindowMs: config?.recvWindowMs ?? 5_000,
      symbol: config?.symbol ?? 'AAPL',
      logger: log.logger,
      onResult: json
        ? undefined
        : (result) => terminal.out(`${renderCheck(result, styles, terminal.columns).join('\n')}\n`),
    });
    if (json) {
      terminal.out(
        `${JSON.stringify({ command: 'doctor', target: target ? { kind: target.kind, baseUrl: target.baseUrl, wsUrl: target.wsUrl } : null, exitCode: report.exitCode, counts: report.counts, durationMs: Math.round(report.durationMs), checks: report.results })}\n`,
      );
    } else {
      terminal.out(`${renderDoctorFooter(report, styles).join('\n')}\n`);
    }
    const bundle = typeof values.bundle === 'string' ? values.bundle : undefined;
    if (bundle !== undefined) {
      writeSupportBundle(bundle, {
        argv: context.argv,
        env: context.env,
        config,
        configFile: loaded.file,
        results: report.results,
        exitCode: report.exitCode,
        logLines: log.recentLines(),
        knownSecrets: knownSecrets(config, context.env),
      });
      if (!json)
        terminal.out(`Support bundle written to ${bundle} (secrets redacted): attach it to your ticket.\n`);
    }
    return report.exitCode;
  } finally {
    await sandbox?.close();
  }
}

function isLevel(value: string | undefined): value is LogLevel {
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error' || value === 'silent';
}

/** Every credential value the run could have seen, for the bundle's final mask. */
function knownSecrets(config: AppConfig | undefined, env: CommandContext['env']): string[] {
  const values: string[] = [];
  for (const key of ['apiSecret', 'clientSecret', 'adminToken'] as const) {
    const secret = config?.[key];
    if (secret) values.push(secret.reveal());
  }
  const notSecret = new Set(
    appConfig
      .describe()
      .filter((field) => !field.secret)
      .map((field) => field.envVar),
  );
  for (const [name, value] of Object.entries(env)) {
    if (value && !notSecret.has(name) && /SECRET|TOKEN|PASSWORD|PASSPHRASE|KEY/i.test(name))
      values.push(value.trim());
  }
  return values;
}
