import { isSecret } from '@kit/logger';
import type { FieldNode } from './schema-fields';

const MAX_SHOWN = 80;

function truncate(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function maskUrlPassword(text: string): string {
  try {
    const parsed = new URL(text);
    if (!parsed.password) return text;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return text;
  }
}

/**
 * How a received value appears in a problem: short, and never a secret's value: secret fields show
 * only their length (`<redacted, 12 chars>`), URLs lose their password.
 */
export function showValue(node: FieldNode | undefined, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (node?.secret || isSecret(value)) {
    const text = isSecret(value) ? value.reveal() : value;
    return typeof text === 'string' ? `<redacted, ${text.length} chars>` : `<redacted ${typeof text}>`;
  }
  if (typeof value === 'string')
    return JSON.stringify(truncate(node?.kind === 'url' ? maskUrlPassword(value) : value));
  if (typeof value === 'object' && value !== null) {
    try {
      return truncate(JSON.stringify(value));
    } catch {
      return Array.isArray(value) ? 'a list' : 'an object';
    }
  }
  return String(value);
}
