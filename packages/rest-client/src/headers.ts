/**
 * The name under which `headers` holds `lowerName` in any letter case, if it does. Header names
 * are case-insensitive; callers write them as they like and the client keeps their spelling.
 */
export function findHeaderName(
  headers: Readonly<Record<string, string>>,
  lowerName: string,
): string | undefined {
  for (const name in headers) if (name.toLowerCase() === lowerName) return name;
  return undefined;
}

/** Copies headers in, replacing any existing header of the same name in another letter case. */
export function mergeHeaders(target: Record<string, string>, source: Readonly<Record<string, string>>): void {
  for (const name in source) {
    const lower = name.toLowerCase();
    for (const existing in target)
      if (existing !== name && existing.toLowerCase() === lower) delete target[existing];
    target[name] = source[name] as string;
  }
}
