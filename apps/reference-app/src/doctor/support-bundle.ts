import { writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { EnvSource } from '@kit/config';
import { isSecret, REDACTED, redactString } from '@kit/logger';
import { APP_ENV_PREFIX, type AppConfig, appConfig } from '../config/app-config';
import { versions } from '../version';
import type { CheckResult } from './check-result';

/** What goes into a support bundle. */
export interface SupportBundleInput {
  readonly argv: readonly string[];
  readonly env: EnvSource;
  /** The loaded config, when it loaded. */
  readonly config: AppConfig | undefined;
  readonly configFile: string | undefined;
  readonly results: readonly CheckResult[];
  readonly exitCode: number;
  readonly logLines: readonly string[];
  /** Values that must never appear, whatever key they hide under (every credential the run saw). */
  readonly knownSecrets: readonly string[];
}

const ENV_OF_INTEREST =
  /^(KIT_|SAMPLE_BROKER_|NODE_EXTRA_CA_CERTS$|NODE_OPTIONS$|HTTPS?_PROXY$|NO_PROXY$|https?_proxy$|no_proxy$)/;
const SECRET_FLAGS = new Set(['--admin-token']);

/**
 * A support bundle a customer can attach to a ticket: versions, OS, the command line, the config
 * (every secret redacted, other values shown), the relevant environment variables (values shown
 * only for settings known not to be secret), every check with its timings and error, and the last
 * log lines. The whole text is then passed through @kit/logger's redactor (registered secret values,
 * credential-looking query parameters and headers) and every known secret is masked once more, so a
 * value hidden under a misspelt key still cannot leak.
 */
function buildSupportBundle(input: SupportBundleInput): string {
  const fields = appConfig.describe();
  const nonSecretEnv = new Set(fields.filter((field) => !field.secret).map((field) => field.envVar));
  const settings = fields.map((field) => {
    const value = input.config?.[field.path as keyof AppConfig];
    return {
      setting: field.path,
      envVar: field.envVar,
      value: value === undefined ? null : field.secret || isSecret(value) ? REDACTED : value,
    };
  });
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.env)) {
    if (value === undefined || !ENV_OF_INTEREST.test(name)) continue;
    environment[name] = nonSecretEnv.has(name) ? value : REDACTED;
  }
  const argv: string[] = [];
  for (let index = 0; index < input.argv.length; index++) {
    const arg = input.argv[index] as string;
    const [flag] = arg.split('=', 1);
    if (flag !== undefined && SECRET_FLAGS.has(flag)) {
      argv.push(arg.includes('=') ? `${flag}=${REDACTED}` : flag);
      if (!arg.includes('=') && index + 1 < input.argv.length) {
        argv.push(REDACTED);
        index++;
      }
    } else {
      argv.push(arg);
    }
  }
  const bundle = {
    kind: 'kit-doctor-support-bundle',
    version: 1,
    generatedAt: new Date().toISOString(),
    versions: versions(),
    os: {
      platform: platform(),
      release: release(),
      arch: arch(),
      cpus: cpus().length,
      memoryMb: Math.round(totalmem() / 1_048_576),
    },
    command: ['kit', ...argv],
    config: { file: input.configFile ?? null, envPrefix: APP_ENV_PREFIX, settings },
    environment,
    exitCode: input.exitCode,
    checks: input.results,
    logLines: input.logLines,
  };
  let text = redactString(JSON.stringify(bundle, null, 2));
  for (const secret of input.knownSecrets) {
    if (secret.length >= 4) text = text.split(secret).join(REDACTED);
  }
  return `${text}\n`;
}

/** Writes the bundle to `file`. */
export function writeSupportBundle(file: string, input: SupportBundleInput): void {
  writeFileSync(file, buildSupportBundle(input), { mode: 0o600 });
}
