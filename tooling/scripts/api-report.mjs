// Committed API reports (the Azure SDK habit): for every published package and every entry point
// in its `exports` map, API Extractor reads the built `dist/<entry>.d.ts` and writes
// `packages/<pkg>/review/<pkg>[.<subpath>].api.md`, so a change to the public API shows up in the
// diff of the pull request that makes it.
//
//   node tooling/scripts/api-report.mjs           write or update the reports (pnpm api:update)
//   node tooling/scripts/api-report.mjs --check   write nothing; exit 1 if a report is missing,
//                                                 stale or left over (pnpm api:check, in verify)
//
// It is also kit's "TSDoc on every export" check (`ae-undocumented` is an error; see MESSAGES).
//
// Needs the build (`pnpm run build`): the reports describe the .d.ts files users actually get.
// The API Extractor config is generated here rather than kept as one api-extractor.json per
// package, so every package is reported the same way and a new package needs nothing.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const check = process.argv.includes('--check');
const HINT = 'run pnpm api:update and commit the review/ changes';

const none = { logLevel: ExtractorLogLevel.None, addToApiReportFile: false };
const inReport = { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true };

/** Messages: kit does not use release tags (@public/@beta), so every release-tag message is noise. */
const MESSAGES = {
  compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
  extractorMessageReporting: {
    default: { logLevel: ExtractorLogLevel.Error },
    'ae-missing-release-tag': none,
    'ae-incompatible-release-tags': none,
    'ae-internal-missing-underscore': none,
    'ae-internal-mixed-release-tag': none,
    'ae-extra-release-tag': none,
    'ae-different-release-tags': none,
    // "TSDoc on every export": every exported declaration, each overload, and every member of an
    // exported interface or class needs a doc comment (a summary: a lone `@default` is not one).
    // check-tsdoc.mjs keeps only what this lacks: `@default` on optional options.
    'ae-undocumented': { logLevel: ExtractorLogLevel.Error, addToApiReportFile: false },
    // API Extractor resolves {@link x} against the entry point being reported, so a subpath's docs
    // linking to the main entry (or a member written as {@link method}) would fail here, so links
    // are not checked.
    'ae-unresolved-link': none,
    // A type users can see but not import: worth a line in the report (and so in the diff).
    'ae-forgotten-export': inReport,
    'ae-unresolved-inheritdoc-reference': inReport,
    'ae-unresolved-inheritdoc-base': inReport,
  },
  // kit uses `@default`, which is not a standard TSDoc tag, so API Extractor's TSDoc parser would
  // flag every options field; check-tsdoc.mjs reads the tag through TypeScript instead.
  tsdocMessageReporting: { default: none },
};

/**
 * Members that lacked a doc comment when `ae-undocumented` became an error, in packages whose
 * sources were being reworked at the time: `<package> <entry> <Parent.member>`. Each entry lets
 * that one message through; an entry that no longer matches is an error, so the list only shrinks.
 * Document the member, then delete its line.
 */
const UNDOCUMENTED_FOR_NOW = new Set([]);

const undocumentedAllowed = new Set();
const distLines = new Map();

/**
 * `Parent.member` for an ae-undocumented message: API Extractor names only the member, so the
 * parent is the nearest unindented declaration above it in the built .d.ts.
 */
function undocumentedKey(message) {
  const name = /^Missing documentation for "(.*)"\.$/.exec(message.text)?.[1] ?? message.text;
  if (!message.sourceFilePath || !message.sourceFileLine) return name;
  if (!distLines.has(message.sourceFilePath)) {
    distLines.set(message.sourceFilePath, readFileSync(message.sourceFilePath, 'utf8').split('\n'));
  }
  const lines = distLines.get(message.sourceFilePath);
  const at = message.sourceFileLine - 1;
  if (!/^\s/.test(lines[at] ?? '')) return name;
  for (let i = at - 1; i >= 0; i--) {
    const parent = /^(?:export )?(?:declare )?(?:interface|class|type|namespace) ([\w$]+)/.exec(lines[i]);
    if (parent) return `${parent[1]}.${name}`;
  }
  return name;
}

/** `.` -> `index`, `./redis` -> `redis`: tsup names each dist file after its entry. */
function entryName(subpath) {
  return subpath === '.' ? 'index' : subpath.slice(2);
}

function typesPathFor(target) {
  return target?.import?.types ?? target?.types;
}

/** Where a stale report first differs, so the check's output says what changed. */
function firstDifference(committed, fresh) {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end>')}, built ${JSON.stringify(b[at] ?? '<end>')}`;
}

function publishedPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'package.json')))
    .map((d) => {
      const folder = join(dir, d.name);
      const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      return { folder, pkg };
    })
    .filter(({ pkg }) => !pkg.private)
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
}

/** One report per entry point that declares types (`./package.json` and the like are skipped). */
function entriesOf({ folder, pkg }) {
  const unscoped = pkg.name.replace(/^@[^/]+\//, '');
  return Object.entries(pkg.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && typesPathFor(target))
    .map(([subpath, target]) => ({
      subpath,
      dts: join(folder, typesPathFor(target)),
      reportName: subpath === '.' ? unscoped : `${unscoped}.${entryName(subpath)}`,
    }));
}

function prepare({ folder }, entry, outDir, tempDir) {
  const configObject = {
    projectFolder: folder,
    mainEntryPointFilePath: entry.dts,
    bundledPackages: [],
    newlineKind: 'lf',
    enumMemberOrder: 'by-name',
    compiler: {
      // Only declaration files go in; what matters is how they resolve, not the package's own
      // source settings (which point @kit/* at src/ through the @kit/source condition).
      overrideTsconfig: {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
        },
        files: [entry.dts],
      },
      skipLibCheck: true,
    },
    apiReport: {
      enabled: true,
      reportFileName: entry.reportName,
      reportFolder: outDir,
      reportTempFolder: tempDir,
      includeForgottenExports: false,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: MESSAGES,
  };
  return ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: join(folder, 'api-extractor.json'),
    packageJsonFullPath: join(folder, 'package.json'),
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'kit-api-report-'));
const problems = [];
let staleReports = 0;
let written = 0;
let unchanged = 0;
const started = Date.now();

try {
  for (const pkgInfo of publishedPackages()) {
    const entries = entriesOf(pkgInfo);
    const rel = relative(root, pkgInfo.folder);
    const missingDts = entries.filter((e) => !existsSync(e.dts));
    if (missingDts.length > 0) {
      for (const e of missingDts)
        problems.push(`${relative(root, e.dts)} not found: run pnpm run build first`);
      continue;
    }
    const outDir = join(scratch, pkgInfo.pkg.name.replace('/', '__'));
    const tempDir = join(outDir, 'temp');
    mkdirSync(tempDir, { recursive: true });

    // One TypeScript program per package, shared by all of its entry points.
    const configs = entries.map((e) => prepare(pkgInfo, e, outDir, tempDir));
    const compilerState = CompilerState.create(configs[0], {
      additionalEntryPoints: entries.map((e) => e.dts),
    });

    const expected = new Set();
    for (const [i, entry] of entries.entries()) {
      const messages = [];
      const result = Extractor.invoke(configs[i], {
        localBuild: true,
        compilerState,
        messageCallback: (message) => {
          // console-* messages narrate the run (e.g. "report created"); the comparison below is ours.
          if (message.messageId.startsWith('console-')) {
            message.handled = true;
            return;
          }
          if (message.messageId === 'ae-undocumented') {
            const key = `${pkgInfo.pkg.name} ${entry.subpath} ${undocumentedKey(message)}`;
            if (UNDOCUMENTED_FOR_NOW.has(key)) {
              undocumentedAllowed.add(key);
              message.logLevel = ExtractorLogLevel.None;
            } else {
              message.text += ` Add a doc comment (${key}).`;
            }
          }
          if (
            message.logLevel === ExtractorLogLevel.Error ||
            message.logLevel === ExtractorLogLevel.Warning
          ) {
            const where = message.sourceFilePath
              ? ` (${relative(root, message.sourceFilePath)}:${message.sourceFileLine})`
              : '';
            messages.push(`${message.logLevel}: ${message.messageId}: ${message.text}${where}`);
          }
          message.handled = true;
        },
      });
      const fileName = `${entry.reportName}.api.md`;
      // Expected even when the run failed, so its report is not also called "left over".
      expected.add(fileName);
      if (!result.succeeded || result.errorCount > 0) {
        problems.push(
          `${pkgInfo.pkg.name} ${entry.subpath}: API Extractor failed\n    ${messages.join('\n    ')}`,
        );
        continue;
      }
      for (const m of messages) process.stderr.write(`${pkgInfo.pkg.name} ${entry.subpath}: ${m}\n`);

      const fresh = readFileSync(join(outDir, fileName), 'utf8');
      const committedPath = join(pkgInfo.folder, 'review', fileName);
      const committed = existsSync(committedPath) ? readFileSync(committedPath, 'utf8') : undefined;
      if (committed === fresh) {
        unchanged++;
      } else if (check) {
        staleReports++;
        problems.push(
          committed === undefined
            ? `${rel}/review/${fileName} is missing`
            : `${rel}/review/${fileName} is out of date (${firstDifference(committed, fresh)})`,
        );
      } else {
        mkdirSync(join(pkgInfo.folder, 'review'), { recursive: true });
        writeFileSync(committedPath, fresh);
        written++;
        process.stdout.write(`api-report: wrote ${rel}/review/${fileName}\n`);
      }
    }

    // A report whose entry point is gone must go too, or the review folder lies.
    const reviewDir = join(pkgInfo.folder, 'review');
    if (existsSync(reviewDir)) {
      for (const file of readdirSync(reviewDir).filter((f) => f.endsWith('.api.md'))) {
        if (expected.has(file)) continue;
        if (check) {
          staleReports++;
          problems.push(`${rel}/review/${file} has no matching entry point in package.json exports`);
        } else {
          rmSync(join(reviewDir, file));
          process.stdout.write(`api-report: removed ${rel}/review/${file}\n`);
        }
      }
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

for (const key of UNDOCUMENTED_FOR_NOW) {
  if (!undocumentedAllowed.has(key)) {
    problems.push(
      `${key} is documented now: delete it from UNDOCUMENTED_FOR_NOW in ${relative(root, new URL(import.meta.url).pathname)}`,
    );
  }
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  process.stderr.write(`api-report: ${problems.length} problem(s):\n  ${problems.join('\n  ')}\n`);
  if (staleReports > 0) process.stderr.write(`api-report: ${HINT}\n`);
  process.exit(1);
}
process.stdout.write(
  check
    ? `api-report: ${unchanged} report(s) match the committed review/ files (${seconds} s)\n`
    : `api-report: ${written} written, ${unchanged} unchanged (${seconds} s)\n`,
);
