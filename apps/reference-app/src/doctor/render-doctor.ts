import { formatMs } from '../io/table';
import type { Styles } from '../io/terminal';
import type { CheckResult, CheckStatus } from './check-result';
import type { DoctorReport } from './run-doctor';

const MARKS: Readonly<Record<CheckStatus, string>> = { pass: '✔', warn: '!', fail: '✖', skip: '–' };
const TITLE_WIDTH = 30;

/** Wraps `text` to `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${indent}`);
}

/** The lines of one check as printed: mark, title, finding, duration; the code, hint and page on failure. */
export function renderCheck(result: CheckResult, styles: Styles, columns: number): string[] {
  const colour = { pass: styles.green, warn: styles.yellow, fail: styles.red, skip: styles.dim }[
    result.status
  ];
  const mark = colour(MARKS[result.status]);
  const title = result.title.padEnd(TITLE_WIDTH);
  const summary = result.status === 'skip' ? styles.dim(result.summary) : result.summary;
  const lines = [` ${mark} ${result.status === 'skip' ? styles.dim(title) : title} ${summary}`];
  const width = Math.max(40, Math.min(columns, 110) - 12);
  for (const detail of result.details ?? []) {
    for (const part of detail.split('\n')) lines.push(styles.dim(`      ${part}`));
  }
  if (result.problem && (result.status === 'fail' || result.status === 'warn')) {
    const indent = ' '.repeat(12);
    lines.push(`      ${styles.bold('code')}  ${colour(result.problem.code)}`);
    lines.push(`      ${styles.bold('hint')}  ${wrap(result.problem.hint, width, indent)}`);
    lines.push(`      ${styles.bold('docs')}  ${result.problem.docs}`);
  }
  return lines;
}

/** The closing line: counts and the exit code. */
export function renderDoctorFooter(report: DoctorReport, styles: Styles): string[] {
  const { counts } = report;
  const verdict =
    report.exitCode === 0
      ? styles.green('All checks passed.')
      : report.exitCode === 2
        ? styles.yellow('Passed with warnings.')
        : styles.red(`${counts.fail} check${counts.fail === 1 ? '' : 's'} failed.`);
  return [
    '',
    `${verdict} ${counts.pass} passed, ${counts.warn} warnings, ${counts.fail} failed, ${counts.skip} skipped in ${formatMs(report.durationMs)} (exit ${report.exitCode})`,
  ];
}
