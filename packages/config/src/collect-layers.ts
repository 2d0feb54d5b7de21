import { registerSecretValue } from '@kit/logger';
import { coerceEnvValue } from './coerce-env-value';
import type { ConfigProblem, ConfigSource } from './config-error';
import { didYouMean } from './did-you-mean';
import { allFields, type FieldNode, leafFields } from './schema-fields';

/** One value a source gave for a setting. */
export interface LayerValue {
  readonly value: unknown;
  readonly source: ConfigSource;
  /** The file path or env var it came from. */
  readonly origin?: string;
}

/** Everything the sources said, by setting path, in ascending precedence. */
export class LayerCollector {
  /** Leaf values by dotted path. */
  readonly values = new Map<string, LayerValue[]>();
  /** Values under loose objects that the schema does not name, by path segments. */
  readonly extras = new Map<string, { segments: readonly string[]; values: LayerValue[] }>();
  readonly problems: ConfigProblem[] = [];
  /** Paths already reported, so validation does not report them twice. */
  readonly reported = new Set<string>();

  constructor(
    readonly root: FieldNode,
    readonly reportUnknownKeys: boolean,
  ) {}

  report(problem: ConfigProblem, path = problem.path): void {
    this.problems.push(problem);
    this.reported.add(path);
  }

  /** Records a source's (possibly nested) value for `node`. */
  add(node: FieldNode, value: unknown, from: Omit<LayerValue, 'value'>): void {
    if (value === undefined) return;
    if (!node.children) {
      if (node.secret && typeof value === 'string') {
        // Registered before validation, so even a rejected credential is masked if it is ever logged.
        registerSecretValue(value);
        registerSecretValue(value.trim());
      }
      const list = this.values.get(node.path) ?? [];
      list.push({ ...from, value });
      this.values.set(node.path, list);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.report({
        code: 'config.invalid',
        path: node.path,
        envVar: node.envVar,
        ...from,
        expected: 'an object of settings',
        received: Array.isArray(value) ? 'a list' : typeof value,
        hint: `Give "${node.path || '(root)'}" as an object with the keys ${[...node.children.keys()].join(', ')}.`,
      });
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const childNode = node.children.get(key);
      const segments = [...node.segments, key];
      if (childNode) this.add(childNode, child, from);
      else if (node.allowsUnknownKeys) this.addExtra(segments, child, from);
      else if (from.source === 'file' && node.segments.length === 0 && key === '$schema') continue;
      else if (this.reportUnknownKeys) this.reportUnknownKey(node, segments, from);
    }
  }

  private addExtra(segments: readonly string[], value: unknown, from: Omit<LayerValue, 'value'>): void {
    const path = segments.join('.');
    const entry = this.extras.get(path) ?? { segments, values: [] };
    entry.values.push({ ...from, value });
    this.extras.set(path, entry);
  }

  private reportUnknownKey(
    parent: FieldNode,
    segments: readonly string[],
    from: Omit<LayerValue, 'value'>,
  ): void {
    const key = segments.at(-1) ?? '';
    const siblings = [...(parent.children?.keys() ?? [])];
    const sibling = didYouMean(key, siblings);
    let hint: string;
    if (sibling !== undefined) {
      hint = `Did you mean "${[...parent.segments, sibling].join('.')}"?`;
    } else {
      const elsewhere = leafFields(this.root).find((leaf) => didYouMean(key, [leaf.segments.at(-1) ?? '']));
      hint = elsewhere
        ? `Did you mean "${elsewhere.path}"? It belongs under "${elsewhere.segments.slice(0, -1).join('.') || '(root)'}".`
        : `Remove it or fix its spelling; known keys here: ${siblings.join(', ')}.`;
    }
    // The value is not shown: a misspelled key may well hold a credential.
    this.report({
      code: 'config.unknown_key',
      path: segments.join('.'),
      ...from,
      expected: 'a setting the schema defines',
      received: 'an unknown key',
      hint,
    });
  }

  /** Reads the prefixed environment: object settings from JSON first, then each leaf on top. */
  addEnv(
    env: Readonly<Record<string, string | undefined>>,
    prefix: string,
    ignore: ReadonlySet<string>,
  ): void {
    const fields = allFields(this.root);
    const known = new Map(fields.map((field) => [field.envVar, field]));
    const objects = fields.filter((field) => field.children);
    const leaves = fields.filter((field) => !field.children);
    for (const field of [...objects, ...leaves]) {
      const raw = env[field.envVar];
      if (raw === undefined || raw === '') continue;
      if (field.secret) {
        registerSecretValue(raw);
        registerSecretValue(raw.trim());
      }
      const coerced = coerceEnvValue(field.kind, raw, field.itemKind);
      if (coerced.ok) {
        this.add(field, coerced.value, { source: 'env', origin: field.envVar });
        continue;
      }
      this.report({
        code: 'config.invalid',
        path: field.path,
        envVar: field.envVar,
        source: 'env',
        origin: field.envVar,
        expected: coerced.expected,
        received: JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw),
        hint: coerced.hint,
      });
    }
    if (!this.reportUnknownKeys || prefix === '') return;
    const upperPrefix = prefix.toUpperCase();
    for (const name of Object.keys(env)) {
      if (!name.toUpperCase().startsWith(upperPrefix) || known.has(name) || ignore.has(name)) continue;
      const suggestion = didYouMean(name, known.keys());
      const field = suggestion === undefined ? undefined : known.get(suggestion);
      this.report(
        {
          code: 'config.unknown_key',
          path: '',
          source: 'env',
          origin: name,
          expected: `a variable named after a setting (${prefix}<PATH> with __ between levels)`,
          received: 'an unknown variable',
          hint: field
            ? `Did you mean ${field.envVar} ("${field.path}")? Nested settings use a double underscore.`
            : 'Remove the variable or fix its name; describeConfig() lists every variable.',
        },
        name,
      );
    }
  }
}
