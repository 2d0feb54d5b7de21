// Regenerates the performance page (docs/performance/index.md) and its SVG charts from the results
// files: results/all.json when present (what `pnpm bench` writes), else every results/<name>.json.
// Charts are vega-lite specs compiled to vega and rendered to SVG in Node (no canvas, no browser).
// Every figure on the page comes from a results file; a figure no bench has produced yet is named as
// missing, never made up.
//
//   node render-performance.mjs            (from bench/; `pnpm bench` runs it after the benches)
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as vega from 'vega';
import * as vl from 'vega-lite';

const benchDir = new URL('.', import.meta.url).pathname;
const resultsDir = `${benchDir}results/`;
const pageDir = new URL('../docs/performance/', import.meta.url).pathname;
mkdirSync(pageDir, { recursive: true });

function loadResults() {
  if (existsSync(`${resultsDir}all.json`)) return JSON.parse(readFileSync(`${resultsDir}all.json`, 'utf8'));
  const results = {};
  for (const file of readdirSync(resultsDir)) {
    if (file.endsWith('.json'))
      results[file.slice(0, -5)] = JSON.parse(readFileSync(`${resultsDir}${file}`, 'utf8'));
  }
  return { generated: new Date().toISOString(), machine: undefined, run: undefined, results };
}

const all = loadResults();
const R = all.results;
const charts = [];

// ---- formatting ----------------------------------------------------------------------------------
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : 'n/a');
const x2 = (n) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : 'n/a');
const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const day = (iso) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'unknown date');
function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
/** Where and when one results file was measured. */
function stamp(result) {
  const m = result.machine;
  const load = m?.loadAverage ? `, load average ${m.loadAverage.join(' / ')}` : '';
  const cpu = m ? `, ${m.cores} x ${m.cpu}` : '';
  return `_Measured ${day(result.date)}, Node ${result.node}${cpu}${load}._`;
}
const missing = (what, bench) =>
  `_Not measured yet: ${what}. ${bench ? `Run \`npx pnpm bench ${bench}\` to produce it.` : ''}_`;

// ---- charts --------------------------------------------------------------------------------------
const CONFIG = {
  background: 'white',
  font: 'sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320 },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', labelLimit: 320 },
  title: { fontSize: 13, anchor: 'start' },
};

/** Renders a vega-lite spec to docs/performance/<name>.svg and returns the markdown image line. */
async function chart(name, alt, spec) {
  const compiled = vl.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    ...spec,
  }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  writeFileSync(`${pageDir}${name}.svg`, `${svg}\n`);
  charts.push(`${name}.svg`);
  return `![${alt}](./${name}.svg)`;
}

/**
 * Horizontal bars of `field` per `label`, grouped by `group` (a colour per group), with an optional
 * vertical rule (e.g. 1.0 for ratios).
 */
function bars({
  title,
  values,
  field,
  fieldTitle,
  label = 'label',
  group,
  rule,
  logScale = false,
  base,
  width = 520,
}) {
  const layers = [
    {
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: label, type: 'nominal', sort: null, title: null },
        ...(group ? { yOffset: { field: group, type: 'nominal', sort: null } } : {}),
        x: {
          field,
          type: 'quantitative',
          title: fieldTitle,
          stack: null,
          ...(logScale ? { scale: { type: 'log' } } : {}),
        },
        // A log scale has no zero: bars start at `base` (1 for ratios, so they grow either way from it).
        ...(base !== undefined ? { x2: { datum: base } } : {}),
        ...(group ? { color: { field: group, type: 'nominal', sort: null, title: null } } : {}),
      },
    },
    {
      mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
      encoding: {
        y: { field: label, type: 'nominal', sort: null },
        ...(group ? { yOffset: { field: group, type: 'nominal', sort: null } } : {}),
        x: { field, type: 'quantitative' },
        text: { field: `${field}Text`, type: 'nominal' },
      },
    },
  ];
  if (rule !== undefined) {
    layers.push({
      data: { values: [{ rule }] },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#444' },
      encoding: { x: { field: 'rule', type: 'quantitative' } },
    });
  }
  return { title, width, data: { values }, layer: layers };
}

// ---- sections ------------------------------------------------------------------------------------
const sections = [];
const headline = [];

async function restSection() {
  const out = ['## REST: kit against bare axios, raw undici and the stacks users assemble', ''];
  const stacks = R.stacks;
  if (!stacks) {
    out.push(missing('the stacks benchmark', 'stacks'));
  } else {
    const d = stacks.data;
    out.push(
      `One loopback keep-alive node:http server (a child process, so the client's CPU is measured alone) answering ${d.bodyBytes} bytes of JSON; every contender in the same run, ${int(d.requests)} GETs per run, ${d.rounds} paired rounds (each round runs every contender back to back, order rotated; the ratio is taken within a round and the median reported). kit's full pipeline is API-key auth + retry policy + rate limiter + info logging over kit's undici adapter. Each stack does what it can of the same: the API key in a header, ${d.retry?.attempts ?? 3} attempts with exponential backoff and jitter on 5xx, 429 and network errors, Retry-After honoured, a 30 s attempt timeout, a rate limit too high to bind. **kit vs** is kit's calls/s over the contender's (above 1.00x kit is faster); **CPU vs kit** is the contender's client CPU per call over kit's (above 1.00x kit uses less).`,
      '',
    );
    const rows = d.clean.map((r) => [
      r.concurrency,
      r.name,
      int(r.perSecond),
      r.name === 'kit full pipeline' ? '-' : x2(r.kitRatio),
      int(r.p50Us),
      int(r.p99Us),
      int(r.cpuUsPerCall),
      r.name === 'kit full pipeline' ? '-' : x2(r.kitCpuRatio),
    ]);
    out.push(
      table(
        [
          'concurrency',
          'contender',
          'calls/s',
          'kit vs',
          'p50 µs',
          'p99 µs',
          'client CPU µs/call',
          'CPU vs kit',
        ],
        rows,
      ),
      '',
    );
    const others = d.clean.filter((r) => r.name !== 'kit full pipeline');
    out.push(
      await chart(
        'rest-ratios',
        'kit calls/s over each contender, concurrency 1 and 32',
        bars({
          title: 'REST, clean: kit calls/s ÷ contender calls/s (right of 1 = kit faster)',
          values: others.map((r) => ({
            label: r.name,
            group: `c=${r.concurrency}`,
            ratio: r.kitRatio,
            ratioText: x2(r.kitRatio),
          })),
          field: 'ratio',
          fieldTitle: 'kit ÷ contender (log scale)',
          group: 'group',
          rule: 1,
          logScale: true,
          base: 1,
        }),
      ),
      '',
      await chart(
        'rest-cpu',
        'client CPU per call by contender, concurrency 1 and 32',
        bars({
          title: 'REST, clean: client CPU per call (µs, less is better)',
          values: d.clean.map((r) => ({
            label: r.name,
            group: `c=${r.concurrency}`,
            cpu: r.cpuUsPerCall,
            cpuText: int(r.cpuUsPerCall),
          })),
          field: 'cpu',
          fieldTitle: 'client CPU µs per call',
          group: 'group',
        }),
      ),
      '',
    );
    for (const r of others) {
      headline.push([`REST c=${r.concurrency}`, r.name, x2(r.kitRatio), x2(r.kitCpuRatio)]);
    }
    const faultRows = (runs) =>
      runs.map((r) => [
        r.name,
        int(r.perSecond),
        r.name === 'kit full pipeline' ? '-' : x2(r.kitRatio),
        `${int(r.failed)} (max ${int(r.failedMax)})`,
        int(r.serverRequests),
        int(r.refused),
        int(r.p99Us / 1000),
      ]);
    const faultHeader = [
      'contender',
      'ok calls/s',
      'kit vs',
      'failed calls',
      'server requests',
      '429s',
      'p99 ms',
    ];
    out.push('### Under faults', '');
    if (d.faulty) {
      out.push(
        `**Random faults**: \`@kit/testing\`'s fault server answering ${f1(d.faulty.p503 * 100)}% of requests with 503 and ${f1(d.faulty.p429 * 100)}% with 429 + \`Retry-After: ${d.faulty.retryAfterSeconds}\`, seeded, the same sequence for every run; ${int(d.faulty.calls)} calls at concurrency ${d.faulty.concurrency}, ${d.faulty.rounds} paired rounds. The figure is successful calls per second.`,
        '',
        table(faultHeader, faultRows(d.faulty.runs)),
        '',
      );
    }
    if (d.limit) {
      out.push(
        `**A real limit**: the server allows ${d.limit.limitPerSecond} calls a second (one-second windows) and answers 429 + \`Retry-After: 1\` past it, as an API's limit does; nobody is told the limit. ${int(d.limit.calls)} calls at concurrency ${d.limit.concurrency}; at best ${d.limit.limitPerSecond} ok calls/s.`,
        '',
        table(faultHeader, faultRows(d.limit.runs)),
        '',
      );
    }
    const faultValues = [
      ...(d.faulty?.runs ?? []).map((r) => ({
        label: r.name,
        group: 'random 503/429',
        ok: r.perSecond,
        okText: int(r.perSecond),
      })),
      ...(d.limit?.runs ?? []).map((r) => ({
        label: r.name,
        group: `server limit ${d.limit.limitPerSecond}/s`,
        ok: r.perSecond,
        okText: int(r.perSecond),
      })),
    ];
    if (faultValues.length > 0) {
      out.push(
        await chart(
          'rest-faulty',
          'successful calls per second under faults',
          bars({
            title: 'REST under faults: successful calls per second',
            values: faultValues,
            field: 'ok',
            fieldTitle: 'ok calls/s',
            group: 'group',
          }),
        ),
        '',
      );
    }
    for (const [scenario, runs] of [
      ['random 503/429', d.faulty?.runs],
      [`server limit ${d.limit?.limitPerSecond}/s`, d.limit?.runs],
    ]) {
      for (const r of runs ?? []) {
        if (r.name !== 'kit full pipeline' && !r.name.startsWith('kit'))
          headline.push([`REST, ${scenario}`, r.name, x2(r.kitRatio), 'n/a']);
      }
    }
    out.push(...whereTheTimeGoes(d), '', stamp(stacks), '');
  }

  const rest = R.rest;
  out.push('### kit against bare axios and raw undici, server in process', '');
  if (!rest) out.push(missing('the REST benchmark', 'rest'));
  else {
    const d = rest.data;
    out.push(
      `The original REST benchmark (\`bench/rest.bench.ts\`): the same JSON from a node:http server in the benchmark's own process (CPU per request counts client and server together), ${int(d.requests)} GETs per run, best of ${d.rounds} interleaved runs. Ratios are against bare axios.`,
      '',
      table(
        ['concurrency', 'contender', 'req/s', 'vs bare axios', 'p50 µs', 'p99 µs', 'CPU µs/req'],
        d.runs.map((r) => [
          r.concurrency,
          r.name,
          int(r.perSecond),
          x2(r.ratioVsBareAxios),
          int(r.p50Us),
          int(r.p99Us),
          int(r.cpuUsPerRequest),
        ]),
      ),
      '',
      stamp(rest),
      '',
    );
  }
  sections.push(out.join('\n'));
}

/** The explanations, chosen by what the figures show. */
function whereTheTimeGoes(d) {
  const lines = ['### Where the time goes', ''];
  const byName = (runs, name) => runs?.filter((r) => r.name === name) ?? [];
  const bottleneck = byName(d.clean, 'axios + axios-retry + bottleneck');
  if (bottleneck.length > 0) {
    lines.push(
      `- **axios + axios-retry + bottleneck** is held back by Bottleneck itself: its local datastore yields to the event loop with \`setTimeout(0)\` (at least 1 ms each) several times per job, so every call waits milliseconds in the limiter whatever the rate (p50 ${bottleneck.map((r) => `${int(r.p50Us / 1000)} ms at c=${r.concurrency}`).join(', ')}), and its promise and timer bookkeeping costs ${bottleneck.map((r) => `${int(r.cpuUsPerCall)} µs`).join(' / ')} of CPU per call.`,
    );
  }
  const kitClean = byName(d.clean, 'kit full pipeline');
  const bare = byName(d.clean, 'bare axios (http adapter)');
  const got = byName(d.clean, 'got + p-queue');
  const ky = byName(d.clean, 'ky + p-queue');
  if (kitClean.length > 0 && got.length > 0 && ky.length > 0) {
    lines.push(
      `- **got** and **ky** cost more CPU per call than kit's whole pipeline (got ${got.map((r) => int(r.cpuUsPerCall)).join(' / ')} µs, ky ${ky.map((r) => int(r.cpuUsPerCall)).join(' / ')} µs, kit ${kitClean.map((r) => int(r.cpuUsPerCall)).join(' / ')} µs at c=1 / c=32): got builds a request object with hooks, timeouts and a stream per call over node:http; ky goes through Node's fetch (WHATWG Request/Response objects and streams over undici). kit's undici adapter uses undici's dispatcher directly.`,
    );
  }
  const slowerThanBare = bare.filter((b) => b.kitRatio < 1);
  if (slowerThanBare.length > 0) {
    lines.push(
      `- kit's calls/s fell below **bare axios** at ${slowerThanBare.map((r) => `c=${r.concurrency} (${x2(r.kitRatio)})`).join(', ')} in this run, while bare axios used ${slowerThanBare.map((r) => x2(r.kitCpuRatio)).join(', ')} of kit's CPU per call: at concurrency 1 a call is a round trip on a loaded 2-core machine, so scheduling noise from other work decides much of the rate; the CPU figure is the steadier one. The pipeline's own cost over raw undici is the retry policy's attempt bookkeeping (an attempt timer and abort wiring), the limiter's acquire, the auth and request-id headers, and response parsing with error classification.`,
    );
  }
  const randomKit = byName(d.faulty?.runs, 'kit full pipeline')[0];
  const randomPerCall = d.faulty?.runs?.find((r) => r.name.startsWith('kit, '));
  const randomBehind = (d.faulty?.runs ?? []).filter((r) => !r.name.startsWith('kit') && r.kitRatio < 1);
  if (randomKit && randomBehind.length > 0) {
    lines.push(
      `- **Random 429s** are where kit is behind (${randomBehind.map((r) => `${x2(r.kitRatio)} of ${r.name}`).join(', ')}). The time goes to waiting, by design: kit reads a 429 as "this host is over its limit", so the retry policy's adaptive rate paces every call to the host from then on (first attempts included) and the limiter pauses its queue until Retry-After has passed, where the other stacks hold back only the call that got the 429 and let the other 31 carry on. ${randomPerCall ? `With both turned off (\`retry.adaptiveRate: false\` and a limiter that is not fed responses) kit makes ${int(randomPerCall.perSecond)} ok calls/s (${x2(randomPerCall.perSecond / randomKit.perSecond)} of kit's default) against ${int(randomKit.perSecond)}.` : ''} When the 429s come from a real limit, that same behaviour is what the next figure measures.`,
    );
  }
  const limitKit = byName(d.limit?.runs, 'kit full pipeline')[0];
  if (limitKit) {
    const others = (d.limit?.runs ?? []).filter((r) => !r.name.startsWith('kit'));
    lines.push(
      `- **Against a real limit** kit made ${int(limitKit.perSecond)} ok calls/s with ${int(limitKit.failed)} failed calls and ${int(limitKit.refused)} 429s; ${others.map((r) => `${r.name} ${int(r.perSecond)} ok calls/s, ${int(r.failed)} failed, ${int(r.refused)} 429s`).join('; ')}.`,
    );
  }
  return lines;
}

async function wsSection() {
  const out = ['## WebSocket: kit against raw ws and the reconnecting wrappers', ''];
  const s = R['ws-stacks'];
  if (!s) out.push(missing('the WebSocket stacks benchmark', 'ws-stacks'));
  else {
    const d = s.data;
    out.push(
      `${int(d.messages)} quotes (~120 bytes) per run from one server in a child process that writes pre-framed quotes in 64 KiB chunks, so the client is the limit and messages/s is each path's own rate; ${d.rounds} paired rounds, medians. The wrappers (reconnecting-websocket ${d.versions?.['reconnecting-websocket'] ?? ''}, partysocket ${d.versions?.partysocket ?? ''}, both over ws ${d.versions?.ws ?? ''}) get what a user writes: subscribe on every open, \`JSON.parse(event.data)\`, keep the subscribed channel; no gap detection. kit's path parses, sequences (gap and duplicate detection) and dispatches. **kit vs** compares kit's messages/s, **kit capacity vs** kit's 1 / CPU per message, with the same validation (above 1.00x kit is ahead).`,
      '',
      table(
        ['path', 'messages/s', 'vs raw ws', 'client CPU µs/msg', 'kit vs', 'kit capacity vs'],
        d.paths.map((p) => [
          p.name,
          int(p.perSecond),
          x2(p.vsRaw),
          f2(p.cpuUsPerMessage),
          p.key.startsWith('kit') ? '-' : x2(p.kitRatio),
          p.key.startsWith('kit') ? '-' : x2(p.kitCapacityRatio),
        ]),
      ),
      '',
      await chart(
        'ws-capacity',
        'client CPU per message by path',
        bars({
          title: 'WebSocket: client CPU per message (µs, less is better)',
          values: d.paths.map((p) => ({
            label: p.name
              .replace(/ \+ valibot.*$/, '')
              .replace(/ \(.*\)$/, '')
              .replace(' + JSON.parse', ''),
            group: p.validated ? 'with valibot' : 'no validation',
            cpu: p.cpuUsPerMessage,
            cpuText: f2(p.cpuUsPerMessage),
          })),
          field: 'cpu',
          fieldTitle: 'client CPU µs per message',
          group: 'group',
        }),
      ),
      '',
    );
    for (const p of d.paths.filter((p) => !p.key.startsWith('kit') && !p.key.startsWith('raw'))) {
      headline.push(['WebSocket', p.name, x2(p.kitRatio), x2(p.kitCapacityRatio)]);
    }
    const raw = d.paths.filter((p) => p.key.startsWith('raw'));
    for (const p of raw)
      headline.push([
        'WebSocket',
        `${p.name} (the floor)`,
        x2(d.paths.find((k) => k.key === (p.validated ? 'kitValidated' : 'kit'))?.vsRaw),
        'n/a',
      ]);
    const behind = d.paths.filter(
      (p) => !p.key.startsWith('kit') && !p.key.startsWith('raw') && p.kitCapacityRatio < 1,
    );
    const unsequenced = d.paths.find((p) => p.key === 'kitUnsequenced');
    const sequenced = d.paths.find((p) => p.key === 'kit');
    if (unsequenced && sequenced) {
      // Paired per round, like the bench's own ratios: kit without its sequencer against each wrapper.
      const pairedCapacity = (a, b) => {
        const ratios = a.samples
          .map((run, i) => b.samples[i].cpuUsPerMessage / run.cpuUsPerMessage)
          .sort((x, y) => x - y);
        return ratios[Math.ceil(ratios.length / 2) - 1];
      };
      for (const key of ['rws', 'partysocket']) {
        const other = d.paths.find((p) => p.key === key);
        if (other)
          headline.push([
            'WebSocket',
            `${other.name}, against kit without its sequencer`,
            'n/a',
            x2(pairedCapacity(unsequenced, other)),
          ]);
      }
      out.push(
        `kit's sequencer (gap and duplicate detection, which neither wrapper does) costs ${f2(sequenced.cpuUsPerMessage - unsequenced.cpuUsPerMessage)} µs a message here (${f2(sequenced.cpuUsPerMessage)} µs with it, ${f2(unsequenced.cpuUsPerMessage)} µs without).`,
        '',
      );
    }
    out.push(
      behind.length === 0
        ? `kit's subscribe path costs less CPU per message than both wrappers, with and without validation. The wrappers pay for ws's \`addEventListener\` shim (a MessageEvent per message) and their own dispatch; partysocket also clones every event into Node's global \`MessageEvent\` and dispatches it through \`EventTarget\`. kit's cost over raw ws is the sequencer and the dispatch to the subscription (and the schema, where given).`
        : `kit is behind in CPU per message against ${behind.map((p) => `${p.name} (${x2(p.kitCapacityRatio)})`).join(', ')}: the difference is the sequencer (a gap and duplicate check per message) and the per-subscription dispatch, which the wrappers do not do.`,
      '',
      stamp(s),
      '',
    );
  }
  const w = R.ws;
  out.push("### kit's subscribe paths against raw ws", '');
  if (!w) out.push(missing('the WebSocket benchmark', 'ws'));
  else {
    const d = w.data;
    const t = d.throughput;
    const rows = [
      ['raw ws + JSON.parse', t.raw],
      ['raw ws + JSON.parse + valibot', t.rawValidated],
      ['raw ws, for await (events.on)', t.rawIterator],
      ['kit onMessage + valibot schema', t.callback],
      ['kit for await + valibot schema', t.iterator],
      ['kit onMessage, no schema', t.noSchema],
      ['kit for await, no schema', t.iteratorNoSchema],
    ].filter(([, r]) => r);
    out.push(
      `From \`bench/ws.bench.ts\` (${int(d.messages)} quotes per run, median of ${d.rounds}), the same server: capacity ratios against raw ws are kit onMessage ${x2(d.capacityRatio.noSchema)} without a schema, ${x2(d.capacityRatio.callback)} with valibot (${x2(d.capacityRatio.callbackVsRawValidated)} of raw ws + valibot).`,
      '',
      table(
        ['path', 'messages/s', 'client CPU µs/msg'],
        rows.map(([name, r]) => [name, int(r.perSecond), f2(r.busyUsPerMessage)]),
      ),
      '',
      stamp(w),
      '',
    );
  }
  sections.push(out.join('\n'));
}

async function reconnectSection() {
  const out = ['## Reconnect latency', ''];
  const w = R.ws?.data?.closeToLive;
  const s = R['ws-stacks']?.data?.reconnect;
  if (!w && !s) {
    out.push(missing('reconnect latency', 'ws'));
    sections.push(out.join('\n'));
    return;
  }
  const rows = [];
  const values = [];
  if (w) {
    rows.push(
      [
        `kit, ${w.subscriptions} subscriptions, defaults`,
        f1(w.defaults.p50Ms),
        f1(w.defaults.p95Ms),
        `ws.bench, ${w.reconnects} drops; fast retry with 0-250 ms jitter`,
      ],
      [
        `kit, ${w.subscriptions} subscriptions, jitter 0`,
        f1(w.withoutJitter.p50Ms),
        f1(w.withoutJitter.p95Ms),
        'reconnect + resubscribe + acks only',
      ],
    );
    values.push(
      {
        label: `kit, ${w.subscriptions} subs, defaults`,
        group: 'p50',
        ms: w.defaults.p50Ms,
        msText: f1(w.defaults.p50Ms),
      },
      {
        label: `kit, ${w.subscriptions} subs, defaults`,
        group: 'p95',
        ms: w.defaults.p95Ms,
        msText: f1(w.defaults.p95Ms),
      },
      {
        label: `kit, ${w.subscriptions} subs, jitter 0`,
        group: 'p50',
        ms: w.withoutJitter.p50Ms,
        msText: f1(w.withoutJitter.p50Ms),
      },
      {
        label: `kit, ${w.subscriptions} subs, jitter 0`,
        group: 'p95',
        ms: w.withoutJitter.p95Ms,
        msText: f1(w.withoutJitter.p95Ms),
      },
    );
  }
  if (s) {
    for (const name of ['kit', 'reconnecting-websocket', 'partysocket']) {
      const r = s[name];
      if (!r) continue;
      const label = `${name}, ${s.subscriptions} subscription`;
      rows.push([label, f1(r.p50Ms), f1(r.p95Ms), `ws-stacks.bench, ${s.drops} drops; ${r.note}`]);
      values.push(
        { label, group: 'p50', ms: r.p50Ms, msText: f1(r.p50Ms) },
        { label, group: 'p95', ms: r.p95Ms, msText: f1(r.p95Ms) },
      );
    }
  }
  out.push(
    'From the server dropping the connection (1006, after a stable session) to the subscriptions acknowledged again, each client at its defaults.',
    '',
    table(['client', 'p50 ms', 'p95 ms', 'source and settings'], rows),
    '',
    await chart(
      'reconnect',
      'close to live latency',
      bars({
        title: 'close → live after a dropped connection (ms, log scale)',
        values,
        field: 'ms',
        fieldTitle: 'ms (log scale)',
        group: 'group',
        logScale: true,
        base: 1,
      }),
    ),
    '',
  );
  if (s?.['reconnecting-websocket'] && s?.kit)
    headline.push([
      'Reconnect p50',
      'reconnecting-websocket',
      x2(s['reconnecting-websocket'].p50Ms / s.kit.p50Ms),
      'n/a',
    ]);
  if (s?.partysocket && s?.kit)
    headline.push(['Reconnect p50', 'partysocket', x2(s.partysocket.p50Ms / s.kit.p50Ms), 'n/a']);
  out.push(
    "The wrappers wait `minReconnectionDelay` before their first retry (reconnecting-websocket: a value between 1 and 5 s drawn once when the module loads; partysocket: 3 s); kit's first retry after a stable session waits 0-250 ms of jitter.",
    '',
  );
  if (R.ws) out.push(stamp(R.ws));
  if (R['ws-stacks']) out.push('', stamp(R['ws-stacks']));
  out.push('');
  sections.push(out.join('\n'));
}

async function sandboxSection() {
  const out = ["## The sandbox's capacity", ''];
  const sb = R.sandbox;
  if (!sb) {
    out.push(missing("the sandbox's capacity", 'sandbox'));
    sections.push(out.join('\n'));
    return;
  }
  const d = sb.data;
  out.push(
    'The sandbox broker must never be what limits a benchmark or a chaos run, so each of its servers is measured against a bare server doing the same work in the same run (`bench/sandbox.bench.ts`).',
    '',
  );
  const ws = d.ws?.ws;
  if (ws) {
    out.push(
      table(
        ['server', 'frames/s delivered', 'vs bare', 'server CPU µs/frame', 'capacity vs bare'],
        ws.flatMap((r) => [
          [
            `bare ws, ${r.fanOut} client${r.fanOut > 1 ? 's' : ''}`,
            int(r.bare.perSecond),
            '1.00x',
            f2(r.bare.cpuUsPerMessage),
            '1.00x',
          ],
          [
            `sandbox stream, ${r.fanOut} client${r.fanOut > 1 ? 's' : ''}`,
            int(r.sandbox.perSecond),
            x2(r.rateRatio),
            f2(r.sandbox.cpuUsPerMessage),
            x2(r.capacityRatio),
          ],
        ]),
      ),
      '',
      await chart(
        'sandbox',
        "the sandbox stream's capacity against a bare ws server",
        bars({
          title: 'Sandbox WebSocket stream: capacity ÷ bare ws server (right of 1 = cheaper)',
          values: ws.map((r) => ({
            label: `${r.fanOut} client${r.fanOut > 1 ? 's' : ''}`,
            ratio: r.capacityRatio,
            ratioText: x2(r.capacityRatio),
          })),
          field: 'ratio',
          fieldTitle: 'sandbox capacity ÷ bare',
          rule: 1,
        }),
      ),
      '',
    );
    if (d.ws.marketTick) {
      const tick = d.ws.marketTick;
      const us = tick.usPerTick ?? tick.tickUs ?? tick.microseconds;
      if (us !== undefined) out.push(`One market tick costs ${f1(us)} µs.`, '');
    }
  }
  if (d.rest) {
    const rows = Array.isArray(d.rest) ? d.rest : (d.rest.runs ?? d.rest.rows);
    if (Array.isArray(rows) && rows.length > 0) {
      const keys = Object.keys(rows[0]).filter((k) => typeof rows[0][k] !== 'object');
      out.push(
        'REST:',
        '',
        table(
          keys,
          rows.map((r) =>
            keys.map((k) => (typeof r[k] === 'number' ? (Math.abs(r[k]) < 10 ? f2(r[k]) : int(r[k])) : r[k])),
          ),
        ),
        '',
      );
    } else {
      out.push('REST: see `bench/results/sandbox.md`.', '');
    }
  } else {
    out.push(missing("the sandbox's REST capacity (the REST half of sandbox.bench.ts)", 'sandbox'), '');
  }
  out.push(stamp(sb), '');
  sections.push(out.join('\n'));
}

async function limiterSection() {
  const out = ['## Limiter accuracy', ''];
  const l = R.limiter;
  if (!l) {
    out.push(missing('limiter accuracy', 'limiter'));
    sections.push(out.join('\n'));
    return;
  }
  const d = l.data;
  out.push(
    `\`@kit/retry\`'s rate limiter with a binding limit (\`bench/limiter.bench.ts\`): the rate it let through against the rate it was given, in memory and on Redis (${d.redis ?? 'redis'}).`,
    '',
    table(
      ['store', 'allowed /s', 'achieved /s', 'fraction', 'granted'],
      d.rates.map((r) => [
        r.store,
        int(r.achievedPerSecond / r.fraction),
        f1(r.achievedPerSecond),
        `${f1(r.fraction * 100)}%`,
        int(r.granted),
      ]),
    ),
    '',
    await chart(
      'limiter',
      'limiter accuracy: achieved rate as a share of the allowed rate',
      bars({
        title: 'Rate limiter: achieved ÷ allowed rate (1 = exact, never above)',
        values: d.rates.map((r) => ({
          label: r.store,
          share: r.fraction,
          shareText: `${f1(r.fraction * 100)}%`,
        })),
        field: 'share',
        fieldTitle: 'achieved ÷ allowed',
        rule: 1,
      }),
    ),
    '',
    'What one acquisition costs when the limit does not bind (16 concurrent callers), against bare loops of the same shape:',
    '',
    table(
      ['contender', 'ops/s', 'p50 µs', 'p99 µs'],
      d.results.map((r) => [r.name, int(r.perSecond), f1(r.p50Us), f1(r.p99Us)]),
    ),
    '',
    stamp(l),
    '',
  );
  sections.push(out.join('\n'));
}

function memorySection() {
  const out = ['## Memory and handles over long runs', ''];
  const heap = R.ws?.data?.heap;
  const soak = R.soak;
  if (heap) {
    out.push(
      `Heap after \`gc()\` across ${int(R.ws.data.heapMessages ?? 1_000_000)} messages through kit's subscribe path (\`bench/ws.bench.ts\`): ${f1(heap.beforeMb)} MB before, ${f1(heap.afterMb)} MB after, growth ${f2(heap.growthMb)} MB (target under 10 MB).`,
      '',
    );
  } else out.push(missing("heap growth over kit's WebSocket path", 'ws'), '');
  if (soak) {
    out.push(
      'From the soak (`bench/results/soak.json`):',
      '',
      '```json',
      JSON.stringify(soak.data, null, 2).slice(0, 3000),
      '```',
      '',
      stamp(soak),
      '',
    );
  } else {
    out.push(
      '_Not measured yet: heap and handle counts under steady REST and WebSocket load with faults on (the soak). No results file has these figures; this section fills in when a `bench/results/soak.json` exists._',
      '',
    );
  }
  sections.push(out.join('\n'));
}

await restSection();
await wsSection();
await reconnectSection();
await sandboxSection();
await limiterSection();
memorySection();

const m = all.machine ?? R.stacks?.machine ?? R.rest?.machine;
const node = all.machine?.node ?? R.stacks?.node ?? R.rest?.node;
const loads = all.run
  ? `; load average ${all.run.started.loadAverage.join(' / ')} at the start of the run and ${all.run.finished.loadAverage.join(' / ')} at the end (1 / 5 / 15 min)`
  : '';
const dates = Object.values(R)
  .map((r) => r.date)
  .filter(Boolean)
  .sort();
const intro = [
  '<!-- Generated by bench/render-performance.mjs from bench/results/*.json: edit the script, not this page. -->',
  '',
  '# Performance',
  '',
  'Every figure here is a ratio measured against a baseline in the same process and run, on loopback: kit against what users would pick instead (bare axios, raw undici, axios + axios-retry + bottleneck, got + p-queue, ky + p-queue, raw ws, reconnecting-websocket, partysocket), the sandbox against bare servers, the limiter against the rate it was given. Rounds are paired (every contender once a round) and medians reported, because the machine is shared; CPU time per call or message is shown beside each rate as the steadier figure.',
  '',
  `**Machine**: ${m ? `${m.cores} x ${m.cpu}, ${m.memoryGb} GiB` : 'unknown'}, Node ${node ?? 'unknown'}, ${all.machine?.platform ?? R.stacks?.platform ?? ''}${loads}. **Dates**: ${dates.length > 0 ? `${day(dates[0])} to ${day(dates.at(-1))}` : 'unknown'} (each section gives its own). The machine is 2 cores shared with other work, so absolute rates are low and noisy; the ratios are what to read.`,
  '',
  'Regenerate: `npx pnpm bench` runs every benchmark, writes `bench/results/all.json` and this page; `node bench/render-performance.mjs` redraws the page and charts from the results files alone.',
  '',
  '## At a glance',
  '',
  "kit against each alternative in the same run. Above 1.00x kit is ahead: for rates, kit ÷ the other; for CPU, the other ÷ kit; for reconnect, the other's p50 ÷ kit's.",
  '',
  headline.length > 0
    ? table(['run', 'against', 'kit rate (or latency) ratio', 'kit CPU ratio'], headline)
    : missing('any ratio', ''),
  '',
];
const page = `${[...intro, ...sections].join('\n').trim()}\n`;
writeFileSync(`${pageDir}index.md`, page);
console.log(`docs/performance/index.md and ${charts.join(', ')}`);
