// Shared helpers for the benchmarks: latency percentiles, a bounded concurrent driver, and the
// results writer. Benchmarks compare against a bare baseline in the same process; no absolute
// timing is ever asserted.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** The p-th percentile (0-100) of already-collected samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** The outcome of one driven run. */
export interface RunResult {
  /** Label of the contender. */
  name: string;
  /** Operations completed. */
  operations: number;
  /** Wall time in milliseconds. */
  elapsedMs: number;
  /** Operations per second. */
  perSecond: number;
  /** Median latency of one operation, in microseconds. */
  p50Us: number;
  /** 99th-percentile latency of one operation, in microseconds. */
  p99Us: number;
}

/**
 * Runs `operation` `total` times with at most `concurrency` in flight, timing each call.
 * Bounded: it stops after `total` operations whatever happens.
 */
export async function drive(
  name: string,
  total: number,
  concurrency: number,
  operation: () => Promise<unknown>,
): Promise<RunResult> {
  const latencies = new Float64Array(total);
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const t0 = performance.now();
      await operation();
      latencies[index] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - start;
  const samples = Array.from(latencies);
  return {
    name,
    operations: total,
    elapsedMs,
    perSecond: (total / elapsedMs) * 1000,
    p50Us: percentile(samples, 50) * 1000,
    p99Us: percentile(samples, 99) * 1000,
  };
}

/**
 * What the figures were measured on: the CPU, the cores, and the load average when the results were
 * written (the machine is shared, so the load says how much the other work may have weighed).
 */
function machine(): { cpu: string; cores: number; memoryGb: number; loadAverage: number[] } {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** Writes `bench/results/<name>.json` and `.md` (the markdown is what the docs show). */
export function writeResults(name: string, data: unknown, markdown: string): void {
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const stamp = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    machine: machine(),
  };
  writeFileSync(`${dir}${name}.json`, `${JSON.stringify({ ...stamp, data }, null, 2)}\n`);
  writeFileSync(
    `${dir}${name}.md`,
    `${markdown.trim()}\n\n_Node ${stamp.node}, ${stamp.platform}, ${stamp.machine.cores} x ${stamp.machine.cpu}, load average ${stamp.machine.loadAverage.join(' / ')} (1 / 5 / 15 min), ${stamp.date}_\n`,
  );
  console.log(markdown);
}

/** A markdown table from rows of cells. */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
