import { describe, expect, it } from 'vitest';
import { splitErrorsForPretty } from './pretty-errors';
import { redact } from './redact';

describe('splitErrorsForPretty', () => {
  it('turns top-level redacted errors into Error objects with their causes and leaves a summary', () => {
    const fields = redact({
      error: new Error('outer', { cause: new Error('inner') }),
      status: 503,
    }) as Record<string, unknown>;
    const { fields: rest, errors } = splitErrorsForPretty(fields);
    expect(rest).toEqual({ error: 'Error: outer', status: 503 });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('outer');
    expect(errors[0]?.cause).toMatchObject({ message: 'inner' });
    expect(errors[0]?.stack).toBe((fields.error as { stack: string }).stack);
  });

  it('returns the same fields object when there is no error', () => {
    const fields = { a: 1, b: { name: 'x', message: 'not an error without a stack' } };
    expect(splitErrorsForPretty(fields).fields).toBe(fields);
  });
});
