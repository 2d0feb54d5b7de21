import { schemaIssueSegments } from '@kit/errors/internal';
import type * as v from 'valibot';
import { hasWrappingQuotes } from './coerce-env-value';
import type { LayerValue } from './collect-layers';
import type { ConfigProblem } from './config-error';
import { checkMeaningOf } from './config-metadata';
import { didYouMean } from './did-you-mean';
import type { FieldNode } from './schema-fields';
import { showValue } from './show-value';

const RANGE_TYPES = new Set([
  'min_value',
  'max_value',
  'gt_value',
  'lt_value',
  'min_length',
  'max_length',
  'length',
  'non_empty',
  'integer',
  'finite',
  'safe_integer',
  'multiple_of',
]);

/** The deepest schema node along an issue path. */
function nodeAt(root: FieldNode, segments: readonly string[]): FieldNode {
  let node = root;
  for (const segment of segments) {
    const child = node.children?.get(segment);
    if (!child) break;
    node = child;
  }
  return node;
}

function missingHint(node: FieldNode): string {
  return `Set ${node.envVar} or "${node.path}" in the config file.`;
}

function surroundingNote(value: unknown): string {
  if (typeof value !== 'string') return '';
  if (hasWrappingQuotes(value))
    return 'The value is wrapped in quotes: remove them (env files often keep them literally). ';
  if (value.trim() !== value) return 'The value has leading or trailing whitespace: remove it. ';
  return '';
}

function typeHint(node: FieldNode, value: unknown): string {
  if (typeof value === 'string' && (node.kind === 'number' || node.kind === 'boolean')) {
    return `In a JSON file write ${node.kind}s without quotes, e.g. ${node.kind === 'number' ? '3' : 'true'}.`;
  }
  return `Give ${node.typeLabel} for "${node.path}".`;
}

/** Turns one valibot issue into a config problem that names the setting, its source and a fix. */
export function issueToProblem(
  issue: v.BaseIssue<unknown>,
  root: FieldNode,
  values: ReadonlyMap<string, readonly LayerValue[]>,
): ConfigProblem {
  const segments = schemaIssueSegments(issue);
  const node = nodeAt(root, segments);
  const winner = values.get(node.path)?.at(-1);
  const path = segments.join('.');
  const meaning = checkMeaningOf(issue.requirement);
  const given = winner?.value;
  const base = {
    path,
    ...(node.envVar ? { envVar: node.envVar } : {}),
    ...(winner ? { source: winner.source, ...(winner.origin ? { origin: winner.origin } : {}) } : {}),
  };
  const isMissing =
    (issue.input === undefined && issue.kind === 'schema') || meaning?.code === 'config.missing';
  if (isMissing) {
    return {
      ...base,
      code: 'config.missing',
      expected: meaning?.expected ?? node.typeLabel,
      received: given === undefined ? 'nothing' : showValue(node, given),
      hint: `${missingHint(node)}${given === undefined ? '' : ' It is empty.'}`,
    };
  }
  let received = showValue(node, given ?? issue.input);
  if (!node.secret && given !== undefined && typeof issue.input === 'number' && issue.input !== given) {
    received += ` (= ${issue.input})`;
  }
  if (meaning) {
    const note = meaning.code === 'config.invalid' && node.kind !== 'secret' ? surroundingNote(given) : '';
    return {
      ...base,
      code: meaning.code,
      expected: meaning.expected,
      received,
      hint: `${note}${meaning.hint}`,
    };
  }
  if (RANGE_TYPES.has(issue.type)) {
    const bound = issue.expected ?? issue.type.replace(/_/g, ' ');
    return {
      ...base,
      code: 'config.invalid',
      expected: `${node.typeLabel} ${bound}`,
      received,
      hint: `Use a value ${bound}; ${node.secret ? 'the given value' : received} is out of range for "${path}".`,
    };
  }
  if (node.options && !node.secret) {
    const allowed = node.options.map((option) => JSON.stringify(option));
    const guess = typeof given === 'string' ? didYouMean(given, node.options.map(String)) : undefined;
    return {
      ...base,
      code: 'config.invalid',
      expected: `one of ${allowed.join(', ')}`,
      received,
      hint: `${surroundingNote(given)}${guess !== undefined ? `Did you mean "${guess}"? ` : ''}Allowed values: ${allowed.join(', ')}.`,
    };
  }
  return {
    ...base,
    code: 'config.invalid',
    expected: node.typeLabel,
    received,
    hint: `${node.secret ? '' : surroundingNote(given)}${typeHint(node, given)}`,
  };
}
