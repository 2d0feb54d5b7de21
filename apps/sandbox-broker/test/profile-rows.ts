import { PROFILES } from '../src/index';

const pct = (p: number) => `${Number((p * 100).toFixed(2))}%`;

/** Describes one fault kind's settings in a profile, as the README's table shows it. */
function describe(kind: string, spec: Record<string, number> | undefined): string {
  if (spec === undefined) return '-';
  const base = pct(spec.probability!);
  if (kind === 'latency') return `${base}, ${spec.minMs}-${spec.maxMs} ms`;
  if (kind === 'rateLimitBurst')
    return `${base}, runs of ${spec.length}, Retry-After ${spec.retryAfterSeconds} s`;
  if (kind === 'htmlError') return `${base}, status ${spec.status ?? 502}`;
  if (kind === 'executionUnknown') return `${base}, created ${pct(spec.createdProbability ?? 0.5)}`;
  if (kind === 'slowRead') return `${base}, ${spec.delayMs} ms`;
  return base;
}

/** The README's profile table rows, built from `PROFILES` (the README test checks they match). */
export function profileRows(): string[] {
  const rows: string[] = [];
  for (const group of ['http', 'ws'] as const) {
    const kinds = new Set([
      ...Object.keys(PROFILES.mild[group] ?? {}),
      ...Object.keys(PROFILES.harsh[group] ?? {}),
    ]);
    for (const kind of kinds) {
      const of = (profile: 'mild' | 'harsh') =>
        describe(
          kind,
          (PROFILES[profile][group] as Record<string, Record<string, number>> | undefined)?.[kind],
        );
      rows.push(`| \`${group}.${kind}\` | ${of('mild')} | ${of('harsh')} |`);
    }
  }
  return rows;
}
