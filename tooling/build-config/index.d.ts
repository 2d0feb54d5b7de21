import type { Options } from 'tsup';
/** The shared kit build: ESM + CJS + .d.ts per entry point. */
export declare function defineKitBuild(options?: {
  entry?: Record<string, string> | string[];
  platform?: 'node' | 'neutral' | 'browser';
}): Options | Options[];
