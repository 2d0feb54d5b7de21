// Runs every package's tests through turbo, then prints one summary line for the whole workspace
// last: `tests: N passed, N failed, N skipped` (CI reads it). Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const dirs = ['packages', 'apps', 'bench']
  .flatMap((group) => {
    const base = join(root, group);
    if (!existsSync(base)) return [];
    if (existsSync(join(base, 'package.json'))) return [base];
    return readdirSync(base).map((name) => join(base, name));
  })
  .filter((dir) => existsSync(join(dir, 'package.json')));

for (const dir of dirs) rmSync(join(dir, 'node_modules', '.vitest-summary.json'), { force: true });

const extra = process.argv.slice(2);
const result = spawnSync(
  'turbo',
  ['run', 'test', '--concurrency=1', '--continue', '--output-logs=new-only', ...extra],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
    shell: process.platform === 'win32',
  },
);

const total = { passed: 0, failed: 0, skipped: 0 };
const missing = [];
const failures = [];
for (const dir of dirs) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!manifest.scripts?.test) continue;
  const file = join(dir, 'node_modules', '.vitest-summary.json');
  if (!existsSync(file)) {
    missing.push(manifest.name);
    continue;
  }
  const summary = JSON.parse(readFileSync(file, 'utf8'));
  total.passed += summary.passed;
  total.failed += summary.failed;
  total.skipped += summary.skipped;
  for (const failure of summary.failures ?? []) failures.push(`${manifest.name}: ${failure}`);
}
if (missing.length > 0) {
  console.error(`no test summary from: ${missing.join(', ')} (their test run did not finish)`);
  total.failed += missing.length;
}
// Repeated here because the failing package's own output is thousands of lines up a CI log.
if (failures.length > 0) console.error(`failed tests:\n${failures.map((f) => `  ${f}`).join('\n')}`);
const ok = result.status === 0 && total.failed === 0;
const line = `tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
// .ci/run prints this again as the very last line, after the packaging and docs checks.
const failedList = failures.length > 0 ? `failed tests:\n${failures.map((f) => `  ${f}`).join('\n')}\n` : '';
writeFileSync(join(root, 'node_modules', '.kit-test-summary'), `${failedList}${line}\n`);
console.log(line);
process.exit(ok ? 0 : 1);
