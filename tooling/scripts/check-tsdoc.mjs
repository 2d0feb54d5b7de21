// "TSDoc on every export", checked: for every published package (packages/*/package.json without
// `private`) and every entry point in its `exports` map (the `@kit/source` condition names the
// source file), resolve each exported symbol to its declaration (following re-exports, also into
// other kit packages) and report it when it has no doc comment. Exported interfaces and type
// aliases whose name ends in `Options` also get each property checked: a doc comment on every
// property, and a `@default` (or TSDoc `@defaultValue`) tag on every optional one (required
// properties have no default). Each signature of an overloaded function needs its own doc
// comment, since editors show the doc of the overload a call resolves to. Properties inherited
// from third-party types (node_modules) are not ours to document and are skipped.
//
// One `ts.createProgram` over all entry points, with the shared compiler options, so it stays fast.
// Exit code 1 when anything is missing. `--json` prints the per-package counts as JSON as well.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname;
const started = performance.now();

/** Published packages and their entry points: `{ name, dir, entries: [{ subpath, file }] }`. */
function findPackages() {
  const packages = [];
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', folder);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private) continue;
    const entries = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'object' && target !== null ? target['@kit/source'] : undefined;
      if (typeof source !== 'string') continue;
      entries.push({ subpath, file: resolve(dir, source) });
    }
    packages.push({ name: manifest.name, dir, entries });
  }
  return packages;
}

/** The shared compiler options (tooling/tsconfig/base.json), so `@kit/*` resolves to source. */
function compilerOptions() {
  const configPath = join(root, 'tooling', 'tsconfig', 'base.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  return { ...parsed.options, noEmit: true };
}

const packages = findPackages();
const program = ts.createProgram({
  rootNames: packages.flatMap((pkg) => pkg.entries.map((entry) => entry.file)),
  options: compilerOptions(),
});
const checker = program.getTypeChecker();

const isThirdParty = (declaration) =>
  declaration.getSourceFile().fileName.includes('/node_modules/') ||
  program.isSourceFileDefaultLibrary(declaration.getSourceFile());

function location(declaration) {
  const sourceFile = declaration.getSourceFile();
  const { line } = sourceFile.getLineAndCharacterOfPosition(declaration.getStart(sourceFile));
  return `${relative(root, sourceFile.fileName)}:${line + 1}`;
}

/** True when the symbol has a doc comment with summary text on any of its declarations. */
function hasDocComment(symbol) {
  if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '') return true;
  // Fallback for declarations the checker does not attach comments to in the usual way.
  return (symbol.declarations ?? []).some((declaration) =>
    ts.getJSDocCommentsAndTags(declaration).some((node) => {
      if (!ts.isJSDoc(node)) return false;
      const text = typeof node.comment === 'string' ? node.comment : ts.getTextOfJSDocComment(node.comment);
      return (text ?? '').trim() !== '';
    }),
  );
}

/** The overload signatures of an overloaded function (not its implementation). */
function overloadSignatures(symbol) {
  const signatures = (symbol.declarations ?? []).filter(ts.isFunctionDeclaration);
  return signatures.length > 1 ? signatures.filter((declaration) => declaration.body === undefined) : [];
}

const hasDefaultTag = (symbol) =>
  symbol.getJsDocTags(checker).some((tag) => tag.name === 'default' || tag.name === 'defaultValue');

/** The properties of an options type, from every member of a union, declared in our code. */
function optionProperties(symbol) {
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  const parts = type.isUnion() ? type.types : [type];
  const seen = new Set();
  const properties = [];
  for (const part of parts) {
    for (const property of checker.getPropertiesOfType(part)) {
      const declaration = property.declarations?.[0];
      if (declaration === undefined || isThirdParty(declaration) || seen.has(declaration)) continue;
      seen.add(declaration);
      properties.push({ property, declaration });
    }
  }
  return properties;
}

const problems = [];
const summary = [];
for (const pkg of packages) {
  const counts = { package: pkg.name, exports: 0, optionProperties: 0, problems: 0 };
  const report = (declaration, name, problem) => {
    counts.problems++;
    problems.push(`tsdoc: ${pkg.name} ${location(declaration)} ${name}: ${problem}`);
  };
  for (const entry of pkg.entries) {
    const sourceFile = program.getSourceFile(entry.file);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (moduleSymbol === undefined) {
      problems.push(
        `tsdoc: ${pkg.name} ${relative(root, entry.file)}: entry point "${entry.subpath}" not found`,
      );
      counts.problems++;
      continue;
    }
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0] ?? exported.declarations?.[0];
      const name = entry.subpath === '.' ? exported.name : `${entry.subpath.slice(2)}:${exported.name}`;
      if (declaration === undefined) continue;
      counts.exports++;
      if (!hasDocComment(symbol)) report(declaration, name, 'exported without a doc comment');
      // An editor shows the doc of the overload a call resolves to, so each overload needs its own.
      for (const overload of overloadSignatures(symbol)) {
        if (ts.getJSDocCommentsAndTags(overload).length === 0) {
          report(overload, name, 'overload without a doc comment');
        }
      }

      const isOptionsType = symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias);
      if (!isOptionsType || !exported.name.endsWith('Options')) continue;
      for (const { property, declaration: propertyDeclaration } of optionProperties(symbol)) {
        counts.optionProperties++;
        const propertyName = `${exported.name}.${property.name}`;
        if (!hasDocComment(property)) {
          report(propertyDeclaration, propertyName, 'option without a doc comment');
        }
        if (property.flags & ts.SymbolFlags.Optional && !hasDefaultTag(property)) {
          report(propertyDeclaration, propertyName, 'optional option without a @default tag');
        }
      }
    }
  }
  summary.push(counts);
}

for (const line of problems) console.log(line);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
for (const counts of summary) {
  console.log(
    `tsdoc: ${counts.package}: ${counts.exports} exports, ${counts.optionProperties} option properties, ${counts.problems} missing`,
  );
}
const total = summary.reduce((sum, counts) => sum + counts.problems, 0);
const totalExports = summary.reduce((sum, counts) => sum + counts.exports, 0);
const totalProperties = summary.reduce((sum, counts) => sum + counts.optionProperties, 0);
console.log(
  `tsdoc: ${totalExports} exports and ${totalProperties} option properties in ${summary.length} packages checked in ${seconds}s: ${total === 0 ? 'all documented' : `${total} missing`}`,
);
if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
process.exit(total === 0 ? 0 : 1);
