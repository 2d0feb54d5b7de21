import { describe, expect, it } from 'vitest';
import { type Logger, noopLogger } from './logger-types';

describe('noopLogger', () => {
  it('reports every level as disabled and discards lines', () => {
    for (const level of ['debug', 'info', 'warn', 'error', 'silent'] as const) {
      expect(noopLogger.isLevelEnabled?.(level)).toBe(false);
    }
    expect(() => noopLogger.error('dropped', { a: 1 })).not.toThrow();
    expect(noopLogger.child({ a: 1 })).toBe(noopLogger);
  });

  it('keeps isLevelEnabled optional: an object with the five methods is still a Logger', () => {
    const lines: string[] = [];
    const minimal: Logger = {
      debug: (m) => lines.push(m),
      info: (m) => lines.push(m),
      warn: (m) => lines.push(m),
      error: (m) => lines.push(m),
      child: () => minimal,
    };
    minimal.child({}).info('hello');
    expect(lines).toEqual(['hello']);
    expect(minimal.isLevelEnabled).toBeUndefined();
  });
});
