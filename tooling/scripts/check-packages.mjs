// Packaging checks for every published (non-private) package: `pnpm pack` (which resolves
// `workspace:` and `catalog:` ranges the way a publish would), then publint and attw on the tarball.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'kit-pack-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failures = 0;

for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'package.json'))) continue;
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  try {
    const packed = execFileSync(bin('pnpm'), ['pack', '--pack-destination', out, '--json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    const tarball = JSON.parse(packed).filename;
    execFileSync(bin('publint'), ['run', tarball, '--strict'], { cwd: dir, stdio: 'inherit' });
    execFileSync(bin('attw'), [tarball, '--format', 'table-flipped', '--profile', 'node16'], {
      cwd: dir,
      stdio: 'inherit',
    });
    console.log(`packages: ${manifest.name} ok`);
  } catch (error) {
    failures++;
    console.error(`packages: ${manifest.name} FAILED: ${error.message.split('\n')[0]}`);
  }
}
rmSync(out, { recursive: true, force: true });
process.exit(failures === 0 ? 0 : 1);
