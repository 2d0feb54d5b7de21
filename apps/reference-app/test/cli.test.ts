import { describe, expect, it, vi } from 'vitest';
import { parseCommandLine } from '../src/cli/parse-args';
import { createLiveDisplay } from '../src/io/display';
import type { Terminal } from '../src/io/terminal';
import { runCli } from '../src/main';
import { captureTerminal, hasEscapeCodes } from './support';

describe('the command line', () => {
  it('runs start when no command is given, so `npm start` and `npm start -- --seed 3` read naturally', () => {
    const parsed = parseCommandLine(['--seed', '3', '--profile=harsh']);
    expect(parsed).toMatchObject({
      kind: 'run',
      command: { name: 'start' },
      values: { seed: '3', profile: 'harsh' },
    });
  });

  it("reports every mistake at once: unknown option with a suggestion, another command's option, missing value", () => {
    const parsed = parseCommandLine(['doctor', '--bundel', 'b.json', '--seed', '4', '--timeout']);
    expect(parsed.kind).toBe('usage-error');
    if (parsed.kind !== 'usage-error') return;
    expect(parsed.problems.map((problem) => problem.message)).toEqual([
      'unknown option --bundel',
      '--seed is not an option of `kit doctor`',
      '--timeout needs a value',
    ]);
    expect(parsed.problems[0]?.hint).toBe('Did you mean --bundle?');
    expect(parsed.problems[1]?.hint).toContain('It belongs to `kit start`');
  });

  it('suggests the command for a typo', async () => {
    const terminal = captureTerminal();
    expect(await runCli(['docter'], { terminal, env: {} })).toBe(64);
    expect(terminal.stderr.join('')).toContain('Did you mean `kit doctor`?');
  });

  it('documents the doctor exit codes and every setting in `kit doctor --help`', async () => {
    const terminal = captureTerminal();
    expect(await runCli(['doctor', '--help'], { terminal, env: {} })).toBe(0);
    const help = terminal.stdout.join('');
    expect(help).toContain('Usage: kit doctor [options]');
    expect(help).toMatch(/0 {2}every check passed\n {2}1 {2}a check failed\n {2}2 {2}only warnings/);
    expect(help).toMatch(/KIT_API_SECRET +apiSecret \(secret\)/);
    expect(help).toMatch(/KIT_PROFILE +profile +default mild/);
    expect(hasEscapeCodes(help)).toBe(false);
  });

  it('passes everything after `sandbox` to the sandbox untouched', () => {
    expect(parseCommandLine(['sandbox', '--port', '8080', '--profile', 'harsh'])).toMatchObject({
      kind: 'run',
      command: { name: 'sandbox' },
      rest: ['--port', '8080', '--profile', 'harsh'],
    });
  });
});

function fakeTerminal(isTTY: boolean): Terminal & { written: string[] } {
  const written: string[] = [];
  return {
    written,
    out: (text) => void written.push(`out:${text}`),
    err: (text) => void written.push(`err:${text}`),
    isTTY,
    errIsTTY: isTTY,
    color: isTTY,
    columns: 40,
  };
}

describe('the live display', () => {
  it('on a TTY redraws the block in place and puts log lines above it, never inside it', () => {
    const terminal = fakeTerminal(true);
    const display = createLiveDisplay(terminal, {
      block: () => ['line one', 'line two'],
      progressLine: () => 'p',
    });
    display.start();
    display.log('{"level":"warn"}');
    display.stop();
    const esc = String.fromCharCode(27);
    expect(terminal.written).toEqual([
      `out:${esc}[?25l`,
      'out:line one\nline two\n',
      `out:${esc}[2F${esc}[0J`,
      'err:{"level":"warn"}\n',
      'out:line one\nline two\n',
      `out:${esc}[2F${esc}[0Jline one\nline two\n`,
      `out:${esc}[?25h`,
    ]);
  });

  it('when piped writes a plain progress line every few seconds and no escape code', () => {
    vi.useFakeTimers();
    try {
      const terminal = fakeTerminal(false);
      let tick = 0;
      const display = createLiveDisplay(terminal, {
        block: () => ['x'],
        progressLine: () => `progress ${++tick}`,
      });
      display.start();
      vi.advanceTimersByTime(9_000);
      display.log('{"level":"info"}');
      display.stop();
      expect(terminal.written).toEqual([
        'out:progress 1\n',
        'out:progress 2\n',
        'out:progress 3\n',
        'err:{"level":"info"}\n',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('cuts lines to the terminal width so a wrapped line cannot break the redraw', () => {
    const terminal = fakeTerminal(true);
    const display = createLiveDisplay(terminal, { block: () => ['x'.repeat(100)], progressLine: () => '' });
    display.start();
    display.stop();
    const drawn = (terminal.written[1] ?? '').replace(/^out:/, '');
    expect(drawn.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')).toBe(
      `${'x'.repeat(38)}…\n`,
    );
  });
});
