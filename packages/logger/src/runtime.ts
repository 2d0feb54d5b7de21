// Guarded access to `process`: this package's main entry must also run in browsers.

/** The parts of Node's `process` the logger uses. */
export interface ProcessLike {
  env?: Record<string, string | undefined>;
  stdout?: { isTTY?: boolean; write?: (chunk: string) => unknown };
  stderr?: { write?: (chunk: string) => unknown };
}

/** `globalThis.process` where it exists (Node, Bun, Deno's compat layer); `undefined` in browsers. */
export function runtimeProcess(): ProcessLike | undefined {
  const candidate = (globalThis as { process?: unknown }).process;
  return typeof candidate === 'object' && candidate !== null ? (candidate as ProcessLike) : undefined;
}

/** An environment variable, or `undefined` where there is no `process` (browsers) or reading it throws. */
export function readEnv(name: string): string | undefined {
  try {
    const value = runtimeProcess()?.env?.[name];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
