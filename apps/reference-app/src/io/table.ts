import { visibleLength } from './terminal';

/** Options for {@link renderTable}. */
export interface TableOptions {
  /** Column headings. @default none (no heading row) */
  readonly headings?: readonly string[];
  /** Columns aligned right (numbers). @default [] */
  readonly alignRight?: readonly number[];
  /** Indentation of every line. @default '  ' */
  readonly indent?: string;
}

/**
 * A plain-text table: columns padded to their widest cell (escape codes do not count), a rule under
 * the headings. Box-drawing only for the rule, so it reads the same in a terminal, a CI log or a
 * README code block.
 */
export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const all = options.headings ? [options.headings, ...rows] : rows;
  const columns = Math.max(0, ...all.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(0, ...all.map((row) => visibleLength(row[column] ?? ''))),
  );
  const right = new Set(options.alignRight ?? []);
  const indent = options.indent ?? '  ';
  const format = (row: readonly string[]): string =>
    `${indent}${row
      .map((cell, column) => {
        const pad = ' '.repeat((widths[column] ?? 0) - visibleLength(cell));
        return right.has(column) ? `${pad}${cell}` : column === row.length - 1 ? cell : `${cell}${pad}`;
      })
      .join('  ')}`.trimEnd();
  const lines: string[] = [];
  if (options.headings) {
    lines.push(format(options.headings));
    lines.push(`${indent}${widths.map((width) => '─'.repeat(width)).join('  ')}`);
  }
  for (const row of rows) lines.push(format(row));
  return lines;
}

/** `1234567` -> `1,234,567`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Milliseconds for people: `850 ms`, `2.4 s`, `1 m 05 s`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}
