import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const PACKAGES = [
  '@kit/reference-app',
  '@kit/sample-broker',
  '@kit/sandbox-broker',
  '@kit/rest-client',
  '@kit/ws-client',
  '@kit/auth',
  '@kit/config',
  '@kit/errors',
  '@kit/logger',
  '@kit/retry',
] as const;

function versionOf(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** Versions of Node and of every kit package the app runs on (for `--version` and support bundles). */
export function versions(): Record<string, string> {
  return { node: process.version, ...Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)])) };
}

/** The app's own version. */
export function appVersion(): string {
  return versionOf('@kit/reference-app');
}
