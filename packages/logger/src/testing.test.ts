import { describe, expect, it } from 'vitest';
import { Secret } from './secret';
import { createCapturingLogger } from './testing';

describe('createCapturingLogger', () => {
  it('captures redacted JSON lines and their records at debug by default', () => {
    const apiKey = new Secret('cap-api-key-314159');
    const { logger, lines, records, text } = createCapturingLogger({ name: 'cap' });
    logger.debug(`calling with ${apiKey.reveal()}`, { headers: { authorization: 'Bearer t-1' } });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'debug',
      name: 'cap',
      msg: 'calling with [REDACTED]',
    });
    expect(records[0]?.fields).toEqual({ headers: { authorization: '[REDACTED]' } });
    expect(text()).not.toContain('cap-api-key-314159');
    expect(text()).not.toContain('t-1');
  });

  it('captures children, honours a level and format, and clears', () => {
    const capture = createCapturingLogger({ level: 'warn', format: 'pretty' });
    capture.logger.child({ requestId: 'r9' }).info('hidden');
    capture.logger.child({ requestId: 'r9' }).warn('shown');
    expect(capture.lines).toHaveLength(1);
    expect(capture.text()).toMatch(/WARN\s+shown/);
    expect(capture.text()).toContain("requestId: 'r9'");
    capture.clear();
    expect(capture.lines).toEqual([]);
    expect(capture.records).toEqual([]);
    expect(capture.text()).toBe('');
  });
});
