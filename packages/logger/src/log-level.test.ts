import { describe, expect, it } from 'vitest';
import { LEVEL_SEVERITY, LOG_LEVELS, parseLogLevel } from './log-level';

describe('parseLogLevel', () => {
  it('accepts every level, ignoring case and spaces', () => {
    for (const level of LOG_LEVELS) expect(parseLogLevel(` ${level.toUpperCase()} `)).toBe(level);
  });

  it('rejects anything else', () => {
    for (const value of ['verbose', '', 'trace', 3, undefined, null])
      expect(parseLogLevel(value)).toBeUndefined();
  });

  it('orders severities from debug to silent', () => {
    const severities = LOG_LEVELS.map((level) => LEVEL_SEVERITY[level]);
    expect([...severities].sort((a, b) => a - b)).toEqual(severities);
  });
});
