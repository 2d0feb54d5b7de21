// Runs every `*.bench.ts` in this folder one after another (never in parallel: they share 2 cores),
// or only those named on the command line: `pnpm bench rest ws`. Then writes results/all.json (every
// results/<name>.json in one file, with the machine it ran on) and regenerates the performance page
// (render-performance.mjs; `--no-render` skips it).
//
// The benches run from the packages' sources (the `@kit/source` condition; tsx transpiles them with
// esbuild, as the packages' own build does), so they measure the tree as it is and need no build.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const dir = new URL('.', import.meta.url).pathname;
const args = process.argv.slice(2);
const render = !args.includes('--no-render');
const only = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.replace(/\.bench\.ts$/, '') === name))
  .sort();
if (files.length === 0) {
  console.error(
    `No benchmark named ${only.join(', ')}; there are: ${readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .join(', ')}`,
  );
  process.exit(2);
}
const load = () => os.loadavg().map((n) => Math.round(n * 100) / 100);
const started = { date: new Date().toISOString(), loadAverage: load() };
const ran = [];
for (const file of files) {
  console.log(`\n=== ${file} (load average ${load().join(' / ')}) ===`);
  const t0 = Date.now();
  const result = spawnSync('node', ['--conditions=@kit/source', '--import', 'tsx', '--expose-gc', file], {
    cwd: dir,
    stdio: 'inherit',
  });
  ran.push({
    bench: file.replace(/\.bench\.ts$/, ''),
    ok: result.status === 0,
    seconds: Math.round((Date.now() - t0) / 1000),
  });
}

// One file with every bench's latest results (a bench not run this time keeps its previous figures
// and its own date).
const resultsDir = `${dir}results/`;
const results = {};
for (const file of readdirSync(resultsDir).sort()) {
  if (!file.endsWith('.json') || file === 'all.json') continue;
  try {
    results[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(`${resultsDir}${file}`, 'utf8'));
  } catch (error) {
    console.error(`results/${file} is not valid JSON (${error.message}); left out of all.json`);
  }
}
const cpus = os.cpus();
const all = {
  generated: new Date().toISOString(),
  machine: {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
  },
  run: { started, finished: { date: new Date().toISOString(), loadAverage: load() }, benches: ran },
  results,
};
writeFileSync(`${resultsDir}all.json`, `${JSON.stringify(all, null, 2)}\n`);
console.log(`\nresults/all.json: ${Object.keys(results).join(', ')}`);

let failed = ran.filter((r) => !r.ok).length;
if (failed > 0)
  console.error(
    `failed: ${ran
      .filter((r) => !r.ok)
      .map((r) => r.bench)
      .join(', ')}`,
  );
if (render) {
  const page = spawnSync('node', ['render-performance.mjs'], { cwd: dir, stdio: 'inherit' });
  if (page.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
