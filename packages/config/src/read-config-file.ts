import type { ConfigProblem } from './config-error';

/** Reads a file as UTF-8 text; throws (with a Node-style `code`) when it cannot. */
export type ReadTextFile = (path: string) => string;

interface FsLike {
  readFileSync(path: string, encoding: 'utf8'): string;
}

/**
 * Reads files with Node's `fs`, found through `process.getBuiltinModule` so this package's main
 * entry has no static `node:` import (it still loads in a browser, where a file cannot be read).
 */
export const readTextFileWithNode: ReadTextFile = (path) => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = runtime?.getBuiltinModule?.('node:fs') as FsLike | undefined;
  if (!fs) throw Object.assign(new Error('File system access is not available here'), { code: 'ENOSYS' });
  return fs.readFileSync(path, 'utf8');
};

/** The outcome of reading a config file: a JSON object, or one problem. */
export type ConfigFileResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; problem: ConfigProblem };

function unreadable(path: string, expected: string, received: string, hint: string): ConfigFileResult {
  return {
    ok: false,
    problem: { code: 'config.unreadable', path: '', source: 'file', origin: path, expected, received, hint },
  };
}

// V8's JSON errors quote the text around the error, which may hold a secret: only a position is kept.
// Newer messages carry no position, so the quoted excerpt is located in the text instead.
function jsonErrorOffset(text: string, message: string): number | undefined {
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  if (/end of JSON input/.test(message)) return text.length;
  const excerpt = /^Unexpected token '(.)', (\.\.\.)?"(.*?)"(?:\.\.\.)? is not valid JSON$/s.exec(message);
  if (!excerpt) return undefined;
  const [, token = '', ellipsis, around = ''] = excerpt;
  const start = text.indexOf(around);
  if (start < 0) return undefined;
  // With a leading ellipsis V8 shows 10 characters before the offending token.
  return start + (ellipsis ? 10 : Math.max(0, around.indexOf(token)));
}

function jsonErrorPosition(text: string, error: unknown): string {
  const offset = jsonErrorOffset(text, error instanceof Error ? error.message : '');
  if (offset === undefined) return 'invalid JSON';
  const before = text.slice(0, offset).split('\n');
  return `invalid JSON at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** Reads and parses a JSON config file into an object, describing any failure without its contents. */
export function readConfigFile(path: string, readTextFile: ReadTextFile): ConfigFileResult {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') {
      return unreadable(
        path,
        'an existing JSON file',
        'no such file',
        'Check the path (relative paths start at the working directory) or unset the config file setting.',
      );
    }
    return unreadable(
      path,
      'a readable JSON file',
      typeof code === 'string' ? `error ${code}` : 'an unreadable file',
      'Check the file path and its permissions.',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return unreadable(
      path,
      'valid JSON',
      jsonErrorPosition(text, error),
      'Fix the JSON syntax at that position (trailing commas and comments are not allowed in JSON).',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return unreadable(
      path,
      'a JSON object at the top level',
      Array.isArray(parsed) ? 'an array' : typeof parsed,
      'Wrap the settings in an object: { "rest": { "baseUrl": "…" } }.',
    );
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}
