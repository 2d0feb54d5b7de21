import { KitError } from '@kit/errors';
import { isSecret } from '@kit/logger';
import * as v from 'valibot';
import { LayerCollector, type LayerValue } from './collect-layers';
import { ConfigError, type ConfigProblem } from './config-error';
import { deepFreeze, type FrozenConfig } from './deep-freeze';
import { configFileEnvVar } from './env-var-name';
import { issueToProblem } from './issue-to-problem';
import { type LoadConfigOptions, resolveLoadOptions } from './load-config-options';
import { readConfigFile } from './read-config-file';
import { type FieldNode, leafFields, readSchemaFields } from './schema-fields';
import { showValue } from './show-value';

function comparable(value: unknown): string {
  if (isSecret(value)) return `secret:${value.reveal()}`;
  return JSON.stringify(value) ?? 'undefined';
}

/** A `config.conflict` problem when a single-source setting has disagreeing values. */
function conflictOf(node: FieldNode, given: readonly LayerValue[]): ConfigProblem | undefined {
  const explicit = given.filter((entry) => entry.source !== 'default');
  if (explicit.length < 2) return undefined;
  const outputs = explicit.map((entry) => {
    const parsed = v.safeParse(node.schema, entry.value);
    return comparable(parsed.success ? parsed.output : entry.value);
  });
  if (new Set(outputs).size < 2) return undefined;
  const winner = explicit.at(-1) as LayerValue;
  return {
    code: 'config.conflict',
    path: node.path,
    envVar: node.envVar,
    source: winner.source,
    ...(winner.origin ? { origin: winner.origin } : {}),
    expected: 'one value, given in one place (this setting is single-source)',
    received: explicit
      .map(
        (entry) =>
          `${showValue(node, entry.value)} from ${entry.source}${entry.origin ? ` ${entry.origin}` : ''}`,
      )
      .join(' vs '),
    hint: `Set "${node.path}" in one place only (remove it from the config file or unset ${node.envVar}), or make both agree.`,
  };
}

function setAt(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let cursor = target;
  for (const segment of segments.slice(0, -1)) {
    const next = cursor[segment];
    if (typeof next !== 'object' || next === null) cursor[segment] = {};
    cursor = cursor[segment] as Record<string, unknown>;
  }
  cursor[segments.at(-1) as string] = value;
}

/** The merged input: the highest-precedence value of every setting, with required objects present. */
function buildInput(node: FieldNode, collector: LayerCollector): unknown {
  if (!node.children) return collector.values.get(node.path)?.at(-1)?.value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of node.children) {
    const value = buildInput(child, collector);
    const keep = value !== undefined && !(child.children && !child.required && isEmptyObject(value));
    if (keep) result[key] = value;
  }
  return result;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/**
 * Loads a typed, deeply frozen configuration from layered sources, lowest precedence first: schema
 * defaults, the `defaults` option, a JSON config file, environment variables, then `overrides`.
 * Throws one {@link ConfigError} listing every problem found.
 *
 * @example
 * ```ts
 * const schema = v.object({
 *   rest: v.object({ baseUrl: httpsUrl(), timeoutMs: v.optional(duration(), '30s') }),
 *   apiKey: secret(),
 * });
 * const config = loadConfig({ schema, env: process.env }); // KIT_REST__BASE_URL, KIT_API_KEY, …
 * config.rest.timeoutMs; // number (ms)
 * ```
 */
export function loadConfig<TSchema extends v.GenericSchema>(
  options: LoadConfigOptions<TSchema>,
): FrozenConfig<v.InferOutput<TSchema>> {
  const resolved = resolveLoadOptions(options);
  const root = readSchemaFields(resolved.schema, resolved.envPrefix);
  const collector = new LayerCollector(root, resolved.unknownKeys === 'error');

  collector.add(root, resolved.defaults, { source: 'default' });
  const fileVar = configFileEnvVar(resolved.envPrefix);
  const fromEnv = resolved.env[fileVar];
  const filePath = fromEnv !== undefined && fromEnv !== '' ? fromEnv : resolved.file;
  if (filePath !== undefined) {
    const file = readConfigFile(filePath, resolved.readFile);
    if (file.ok) collector.add(root, file.value, { source: 'file', origin: filePath });
    else if (
      !(resolved.allowMissingFile && fromEnv === undefined && file.problem.received === 'no such file')
    ) {
      collector.report({ ...file.problem, ...(fromEnv === filePath ? { envVar: fileVar } : {}) }, filePath);
    }
  }
  collector.addEnv(resolved.env, resolved.envPrefix, new Set([...resolved.ignoreEnvVars, fileVar]));
  collector.add(root, resolved.overrides, { source: 'override' });

  for (const leaf of leafFields(root)) {
    const given = collector.values.get(leaf.path);
    if (!leaf.singleSource || !given) continue;
    const conflict = conflictOf(leaf, given);
    if (conflict) collector.report(conflict);
  }

  const input = buildInput(root, collector);
  for (const extra of collector.extras.values()) {
    const winner = extra.values.at(-1);
    if (winner) setAt(input as Record<string, unknown>, extra.segments, winner.value);
  }

  let result: v.SafeParseResult<TSchema>;
  try {
    result = v.safeParse(resolved.schema, input);
  } catch (error) {
    throw new KitError('config.invalid', {
      message: 'The config schema threw while validating (a transform or check failed unexpectedly)',
      cause: error,
    });
  }
  const problems = [...collector.problems];
  const seen = new Set(problems.map((problem) => `${problem.path}|${problem.expected}`));
  for (const issue of result.issues ?? []) {
    const problem = issueToProblem(issue, root, collector.values);
    const key = `${problem.path}|${problem.expected}`;
    const alreadyReported = [...collector.reported].some(
      (path) => path !== '' && (problem.path === path || problem.path.startsWith(`${path}.`)),
    );
    if (alreadyReported || seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return deepFreeze(result.output);
}
