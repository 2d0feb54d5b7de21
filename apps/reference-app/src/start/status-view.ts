import type { AdapterStats } from '@kit/sample-broker';
import { formatCount, formatMs } from '../io/table';
import type { Styles } from '../io/terminal';
import { isDelivering, messagesPerSecond, type SessionState } from './session-state';

function connection(state: SessionState, styles: Styles): string {
  if (state.streams.size === 0) return styles.dim('connecting');
  return [...state.streams]
    .map(([name, value]) => {
      const colour = isDelivering(value) ? styles.green : value === 'closed' ? styles.dim : styles.yellow;
      return `${name} ${colour(value)}`;
    })
    .join('  ');
}

function elapsed(state: SessionState, now: number): string {
  const spent = now - state.startedAt;
  // Past the session's length the final checks are running: say so rather than show 12 s / 8 s.
  return spent <= state.durationMs
    ? `${formatMs(spent)} / ${formatMs(state.durationMs)}`
    : `${formatMs(state.durationMs)} + checks`;
}

/** The live block on a TTY: a few short lines, redrawn in place. */
export function statusBlock(state: SessionState, stats: AdapterStats, styles: Styles, now: number): string[] {
  const rate = messagesPerSecond(state, now);
  const o = state.orders;
  return [
    state.finishedAt === undefined
      ? `${styles.bold('running')} ${elapsed(state, now)}  ${styles.cyan(state.step)}`
      : `${styles.bold('finished')} in ${formatMs(state.finishedAt - state.startedAt)}`,
    `  streams   ${connection(state, styles)}`,
    `  messages  ${formatCount(rate)}/s  (quotes ${formatCount(state.messages.quotes)}, book ${formatCount(state.messages.book)}, orders ${formatCount(state.messages.orders)})`,
    `  rest      ${formatCount(stats.requests)} requests, ${formatCount(stats.retries)} retries, ${formatCount(stats.rateLimitWaits)} rate-limit waits (${formatMs(stats.rateLimitWaitMs)})`,
    `  recovery  ${stats.reconnects} reconnects, ${stats.gaps} gaps, ${stats.resyncs} resyncs, ${stats.checksumMismatches} checksum repairs`,
    `  orders    ${o.placed} placed, ${o.cancelled} cancelled, ${o.reconciled} reconciled, ${o.unknown} unknown, ${o.rejected} rejected`,
    ...state.recent.map((line) => styles.dim(`  ${line}`)),
  ];
}

/** One plain line for piped output, every few seconds. */
export function progressLine(state: SessionState, stats: AdapterStats, now: number): string {
  const live = [...state.streams.values()].filter(isDelivering).length;
  const o = state.orders;
  return [
    `[${elapsed(state, now)}]`,
    `streams ${live}/${state.streams.size} live`,
    `${formatCount(messagesPerSecond(state, now))} msg/s`,
    `${stats.requests} requests`,
    `${stats.retries} retries`,
    `${stats.rateLimitWaits} rate-limit waits`,
    `${stats.reconnects} reconnects`,
    `${stats.resyncs} resyncs`,
    `${o.placed} orders placed`,
    `step: ${state.step}`,
  ].join(' | ');
}
