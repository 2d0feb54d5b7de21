import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { duration, httpsUrl, secret, singleSource } from '../src/index';

/** A realistic integration config used across the loader tests. */
export const schema = v.object({
  rest: v.object({
    baseUrl: httpsUrl(),
    timeoutMs: v.optional(duration(), '30s'),
    maxAttempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10)), 3),
    keepAlive: v.optional(v.boolean(), true),
  }),
  apiKey: secret(),
  accountId: v.optional(singleSource(v.string())),
  logLevel: v.optional(v.picklist(['debug', 'info', 'warn', 'error']), 'info'),
  symbols: v.optional(v.array(v.string()), ['BTC-USD']),
  weights: v.optional(v.array(v.number()), []),
  headers: v.optional(v.record(v.string(), v.string()), {}),
});

/** A temporary directory removed by the returned cleanup. */
export function tempDir(): { dir: string; write(name: string, content: unknown): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kit-config-'));
  return {
    dir,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `fn` and returns the error it throws (failing the test if it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
