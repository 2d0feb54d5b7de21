import { KitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import { safeParse } from 'valibot';
import { createSplitStep, type PipelineStep } from './pipeline';
import type { SchemaMode } from './rest-client-options';
import { fieldKey, findAddedFields, issuesToDrift, type SchemaDriftEntry } from './schema-drift';

/** Name of the schema step. */
export const SCHEMA_STEP = 'schema';

/** Options for {@link createSchemaStep}. */
export interface SchemaStepOptions {
  /** `strict` fails on a mismatch; `tolerant` returns the data and warns. @default 'strict' */
  mode?: SchemaMode;
  /** Where drift warnings go. */
  logger: Logger;
  /** Distinct drift warnings remembered (one per endpoint and field); later ones are not deduplicated. @default 1_000 */
  maxRememberedWarnings?: number;
}

function describeDrift(drift: readonly SchemaDriftEntry[]): string {
  const shown = drift.slice(0, 5).map((d) => `${d.path || '(root)'} ${d.kind}`);
  return shown.join(', ') + (drift.length > 5 ? `, … (${drift.length} in all)` : '');
}

/**
 * Validates the parsed body against the call's valibot schema. Added fields (unknown to a plain or
 * strict object schema) are only warned about, in both modes, because adding fields is how APIs
 * evolve; missing, retyped and invalid fields fail in `strict` mode with `schema.response_mismatch`
 * listing the paths, and are warned about in `tolerant` mode, which returns the unvalidated data.
 * Each drift is warned once per endpoint and field (array indexes folded). An empty body that the
 * schema rejects is `schema.empty_body`.
 */
export function createSchemaStep(options: SchemaStepOptions): PipelineStep {
  const mode = options.mode ?? 'strict';
  const { logger } = options;
  const maxRemembered = options.maxRememberedWarnings ?? 1_000;
  const warned = new Set<string>();

  const warn = (endpoint: string, drift: readonly SchemaDriftEntry[]): void => {
    for (const entry of drift) {
      const field = fieldKey(entry.path);
      const key = `${endpoint}|${entry.kind}|${field}`;
      if (warned.has(key)) continue;
      if (warned.size < maxRemembered) warned.add(key);
      logger.warn('rest: response schema drift', {
        endpoint,
        kind: entry.kind,
        field: field || '(root)',
        expected: entry.expected,
        received: entry.received,
      });
    }
  };

  return createSplitStep(SCHEMA_STEP, undefined, (request, response) => {
    const schema = request.schema;
    if (schema === undefined) return;
    const endpoint = `${request.method} ${request.pathTemplate}`;
    const result = safeParse(schema, response.data);
    if (result.success) {
      const added = findAddedFields(schema, response.data);
      if (added.length > 0) warn(endpoint, added);
      response.data = result.output;
      return;
    }
    const common = {
      status: response.status,
      requestId: response.requestId,
      method: request.method,
      path: request.path,
    };
    if (response.bodyText.length === 0) {
      throw new KitError('schema.empty_body', {
        ...common,
        message: `${request.method} ${request.path}: the response body was empty (HTTP ${response.status})`,
      });
    }
    const drift = issuesToDrift(result.issues);
    if (mode === 'strict') {
      throw new KitError('schema.response_mismatch', {
        ...common,
        message: `${request.method} ${request.path}: the response did not match the schema (${describeDrift(drift)})`,
        details: { endpoint, issues: drift },
      });
    }
    warn(endpoint, [...drift, ...findAddedFields(schema, response.data)]);
  });
}
