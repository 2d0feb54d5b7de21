// Retry policy benchmark: what `policy.execute(fn)` costs over calling `fn` directly, for a call
// that succeeds at once (the hot path of every REST request), in the same process and run.
// Contenders run in paired rounds (every contender once a round, order rotated); the ratio is taken
// within a round and the median reported, with the CPU per call beside it.
// Run: `node --conditions=@kit/source --import tsx --expose-gc retry.bench.ts` from bench/.
// Counts: RETRY_BENCH_CALLS (calls per contender per round), RETRY_BENCH_ROUNDS.
import { performance } from 'node:perf_hooks';
import { type AttemptContext, createRetryPolicy, type ExecuteOptions, type RetryPolicy } from '@kit/retry';
import { table, writeResults } from './lib';

const CALLS = Number(process.env.RETRY_BENCH_CALLS ?? 50_000);
const ROUNDS = Number(process.env.RETRY_BENCH_ROUNDS ?? 5);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

type Operation = (ctx: AttemptContext) => Promise<number>;

/** What the operation does with its context. */
const plain: Operation = async (ctx) => ctx.attempt;
// What kit's REST transport does with the attempt signal: reads it, listens for an abort, and
// removes the listener when the exchange ends.
const onAbort = (): void => {};
const listening: Operation = async (ctx) => {
  const signal = ctx.signal;
  signal.addEventListener('abort', onAbort);
  signal.removeEventListener('abort', onAbort);
  return ctx.attempt;
};

/** A context for the bare calls: the shape the policy passes, built once. */
const bareContext = (signal: AbortSignal): AttemptContext => ({
  attempt: 1,
  signal,
  deadlineAt: Number.POSITIVE_INFINITY,
  timeLeftMs: Number.POSITIVE_INFINITY,
  attemptTimeoutMs: Number.POSITIVE_INFINITY,
});

interface Contender {
  readonly name: string;
  /** The bare call of the same operation. */
  readonly bare: () => Promise<unknown>;
  /** The same operation through the policy. */
  readonly kit: () => Promise<unknown>;
}

const callerSignal = new AbortController().signal;
const defaults = createRetryPolicy();
const withBreaker = createRetryPolicy({ circuitBreaker: {} });
const noTimeouts = createRetryPolicy({
  attemptTimeoutMs: Number.POSITIVE_INFINITY,
  deadlineMs: Number.POSITIVE_INFINITY,
});
const bareSignal = new AbortController().signal;

const contender = (
  name: string,
  policy: RetryPolicy,
  operation: Operation,
  options?: ExecuteOptions,
  bare?: () => Promise<unknown>,
): Contender => {
  const ctx = bareContext(options?.signal ?? bareSignal);
  return {
    name,
    bare: bare ?? (() => operation(ctx)),
    kit: options === undefined ? () => policy.execute(operation) : () => policy.execute(operation, options),
  };
};

const contenders: Contender[] = [
  contender('defaults, operation ignores its signal', defaults, plain),
  contender('defaults, operation listens on its signal', defaults, listening),
  // The same, against a bare call that also creates a fresh signal: what the policy adds beyond the
  // AbortSignal an armed attempt timer needs (Node 20 builds each with Object.setPrototypeOf).
  contender(
    'defaults, listens; bare call creates a fresh AbortSignal too',
    defaults,
    listening,
    undefined,
    () => listening(bareContext(new AbortController().signal)),
  ),
  contender('defaults + caller signal, operation listens', defaults, listening, { signal: callerSignal }),
  contender('REST-like options (caller signal, budgetKey, shouldRetry, onRetry)', defaults, listening, {
    signal: callerSignal,
    budgetKey: 'api.example',
    shouldRetry: () => true,
    onRetry: () => {},
  }),
  contender('no attempt timeout or deadline + caller signal, listens', noTimeouts, listening, {
    signal: callerSignal,
  }),
  contender('no attempt timeout or deadline, no signal, listens', noTimeouts, listening),
  contender('circuit breaker on, operation listens', withBreaker, listening),
];

/** Runs `operation` `calls` times one after another; wall and CPU time. */
async function loop(operation: () => Promise<unknown>, calls: number) {
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await operation();
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (calls / elapsedMs) * 1_000, cpuUsPerCall: (cpu.user + cpu.system) / calls };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

// Warm up every path (the JIT settles before the first measured round).
for (const c of contenders) {
  await loop(c.bare, 20_000);
  await loop(c.kit, 20_000);
}

const samples = contenders.map(() => ({
  ratio: [] as number[],
  bareCpu: [] as number[],
  kitCpu: [] as number[],
  kitPerSecond: [] as number[],
}));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < contenders.length; k++) {
    const index = (k + round) % contenders.length;
    const c = contenders[index] as Contender;
    const s = samples[index] as (typeof samples)[number];
    // The pair in alternating order, so neither side always runs on a freshly collected heap.
    const first = round % 2 === 0 ? c.bare : c.kit;
    const second = round % 2 === 0 ? c.kit : c.bare;
    const a = await loop(first, CALLS);
    const b = await loop(second, CALLS);
    const [bare, kit] = round % 2 === 0 ? [a, b] : [b, a];
    s.ratio.push(kit.perSecond / bare.perSecond);
    s.bareCpu.push(bare.cpuUsPerCall);
    s.kitCpu.push(kit.cpuUsPerCall);
    s.kitPerSecond.push(kit.perSecond);
  }
}

const results = contenders.map((c, i) => {
  const s = samples[i] as (typeof samples)[number];
  const bareCpu = median(s.bareCpu);
  const kitCpu = median(s.kitCpu);
  return {
    name: c.name,
    ratio: median(s.ratio),
    kitPerSecond: median(s.kitPerSecond),
    bareCpuUsPerCall: bareCpu,
    kitCpuUsPerCall: kitCpu,
    overheadCpuUsPerCall: kitCpu - bareCpu,
  };
});
const rows = results.map((r) => [
  r.name,
  Math.round(r.kitPerSecond).toLocaleString('en-US'),
  `${r.ratio.toFixed(3)}x`,
  r.bareCpuUsPerCall.toFixed(2),
  r.kitCpuUsPerCall.toFixed(2),
  r.overheadCpuUsPerCall.toFixed(2),
]);
const markdown = `## Retry policy (@kit/retry)

\`policy.execute(fn)\` for an operation that succeeds at once, against calling \`fn\` directly in the same run: ${CALLS.toLocaleString('en-US')} sequential calls per contender per round, ${ROUNDS} paired rounds, medians. **ratio** is execute's calls/s over the bare call's; **overhead** is the CPU the policy adds per call.

${table(['case', 'execute calls/s', 'ratio', 'bare CPU µs/call', 'execute CPU µs/call', 'overhead µs/call'], rows)}
`;
writeResults('retry', { calls: CALLS, rounds: ROUNDS, results }, markdown);
process.exit(0);
