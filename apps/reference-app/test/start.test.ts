import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../src/start/summary';
import { hasEscapeCodes, runKit } from './support';

describe('kit start against the embedded sandbox (real process)', () => {
  it('rides out the harsh profile: --json parses, zero duplicate orders, invariants met, exit 0', async () => {
    const { code, stdout, stderr } = await runKit([
      'start',
      '--profile',
      'harsh',
      '--duration',
      '8s',
      '--seed',
      '11',
      '--json',
    ]);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0] as string) as SessionSummary;
    expect(summary).toMatchObject({
      command: 'start',
      profile: 'harsh',
      seed: 11,
      adminAccess: 'embedded',
      duplicateSource: 'ledger',
    });
    expect(summary.duplicateOrders).toBe(0);
    expect(summary.orders.placed).toBeGreaterThan(0);
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.faultsInjected).not.toEqual({});
    const why = JSON.stringify({
      events: summary.orderEvents,
      book: summary.book,
      problems: summary.problems,
      stderr: stderr.slice(-1_500),
    });
    expect(summary.orderEvents.lost, why).toEqual([]);
    expect(summary.invariants, why).toEqual({
      noDuplicateOrder: true,
      noLostOrderEvent: true,
      bookMatchesSnapshot: true,
    });
    expect(code).toBe(0);
  });

  it('prints plain progress lines and the summary when piped, with no escape codes', async () => {
    const { code, stdout, stderr } = await runKit([
      'start',
      '--profile',
      'mild',
      '--duration',
      '7s',
      '--seed',
      '12',
    ]);
    expect(hasEscapeCodes(stdout)).toBe(false);
    expect(hasEscapeCodes(stderr)).toBe(false);
    expect(stdout).toMatch(
      /^kit start {2}embedded sandbox http:\/\/127\.0\.0\.1:\d+ {2}profile mild {2}seed 12 {2}7\.0 s$/m,
    );
    expect(stdout).toMatch(/^\[\d+\.\d s \/ 7\.0 s\] \| streams \d\/3 live \| /m);
    expect(stdout).toMatch(/^ {2}duplicate orders +0 {2}from the sandbox's ledger$/m);
    expect(stdout).toContain(' ✔ no duplicate order');
    for (const line of stderr.trim().split('\n').filter(Boolean))
      expect(() => JSON.parse(line)).not.toThrow();
    expect(code).toBe(0);
  });

  it('reports every usage mistake at once with a hint, exit 64', async () => {
    const { code, stderr } = await runKit([
      'start',
      '--profle',
      'harsh',
      '--bundle',
      'x.json',
      '--json=yes',
      'extra',
    ]);
    expect(stderr).toContain('4 problems with the command line');
    expect(stderr).toContain('unknown option --profle');
    expect(stderr).toContain('Did you mean --profile?');
    expect(stderr).toContain('--bundle is not an option of `kit start`');
    expect(stderr).toContain('--json takes no value');
    expect(stderr).toContain('unexpected argument "extra"');
    expect(code).toBe(64);
  });
});

describe('kit start with OpenTelemetry', () => {
  it('--otel console prints the REST and WebSocket spans as they end; --metrics-port names its Prometheus endpoint (scraped in telemetry.test.ts)', async () => {
    const { code, stdout, stderr } = await runKit([
      'start',
      '--profile',
      'none',
      '--seed',
      '7',
      '--duration',
      '4s',
      '--otel',
      'console',
      '--metrics-port',
      '0',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/metrics for Prometheus at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    // A logical call (INTERNAL) over its attempts (CLIENT), and the stream's session span.
    expect(stderr).toMatch(/otel span GET \S* INTERNAL .*kit\.rest\.attempts=1/);
    expect(stderr).toMatch(/otel span GET \S* CLIENT .*http\.response\.status_code=200 .*parent=/);
    expect(stderr).toMatch(/otel span kit\.ws\.session CLIENT/);
  });

  it('a bad --metrics-port is a usage error with a hint (exit 64)', async () => {
    const { code, stderr } = await runKit(['start', '--metrics-port', 'nope', '--duration', '2s']);
    expect(code).toBe(64);
    expect(stderr).toContain('metrics port');
  });
});
