import { afterEach, describe, expect, it, vi } from 'vitest';
import { readEnv, runtimeProcess } from './runtime';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe('runtime guards', () => {
  it('reads environment variables in Node and treats empty ones as unset', () => {
    vi.stubEnv('KIT_TEST_VAR', 'x');
    expect(readEnv('KIT_TEST_VAR')).toBe('x');
    vi.stubEnv('KIT_TEST_VAR', '');
    expect(readEnv('KIT_TEST_VAR')).toBeUndefined();
  });

  it('returns undefined where there is no process (browsers)', () => {
    vi.stubGlobal('process', undefined);
    const proc = runtimeProcess();
    const env = readEnv('PATH');
    vi.unstubAllGlobals();
    expect(proc).toBeUndefined();
    expect(env).toBeUndefined();
  });
});
