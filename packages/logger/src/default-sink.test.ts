import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSink, isInteractiveTerminal } from './default-sink';
import type { LogRecord } from './log-record';

const record = (level: LogRecord['level']): LogRecord => ({ time: 't', level, msg: 'm', fields: {} });

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('defaultSink', () => {
  it('writes debug and info to stdout and warn and error to stderr, one line each', () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    defaultSink('d', record('debug'));
    defaultSink('i', record('info'));
    defaultSink('w', record('warn'));
    defaultSink('e', record('error'));
    expect(stdout.mock.calls.map((c) => c[0])).toEqual(['d\n', 'i\n']);
    expect(stderr.mock.calls.map((c) => c[0])).toEqual(['w\n', 'e\n']);
  });

  it('uses the console method of the level where there is no process (browsers)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    vi.stubGlobal('process', undefined);
    defaultSink('w', record('warn'));
    defaultSink('i', record('info'));
    const tty = isInteractiveTerminal();
    vi.unstubAllGlobals();
    expect(warn).toHaveBeenCalledWith('w');
    expect(info).toHaveBeenCalledWith('i');
    expect(tty).toBe(false);
  });
});
