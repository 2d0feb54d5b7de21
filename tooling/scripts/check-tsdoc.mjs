// "Options objects with `@default` on every optional field", checked: the one TSDoc rule API
// Extractor lacks. "A doc comment on every export" (each overload and every member included) is
// API Extractor's `ae-undocumented`, an error in tooling/scripts/api-report.mjs (pnpm api:check).
//
// For every published package (packages/*/package.json without `private`) and every entry point in
// its `exports` map (the `@kit/source` condition names the source file), each exported interface or
// type alias whose name ends in `Options` has every optional property checked for a `@default` (or
// TSDoc `@defaultValue`) tag, through every member of a union and every property it inherits from
// kit's own types (required properties have no default; third-party properties are not ours). The
// members of an options type written as an object type literal also need a doc comment: they are
// not API items, so `ae-undocumented` does not check them.
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

const hasSummary = (symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '';

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
  const counts = { package: pkg.name, optionsTypes: 0, optionProperties: 0, problems: 0 };
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
      if (declaration === undefined) continue;
      const isOptionsType = symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias);
      if (!isOptionsType || !exported.name.endsWith('Options')) continue;
      counts.optionsTypes++;
      for (const { property, declaration: propertyDeclaration } of optionProperties(symbol)) {
        counts.optionProperties++;
        const propertyName = `${exported.name}.${property.name}`;
        if (property.flags & ts.SymbolFlags.Optional && !hasDefaultTag(property)) {
          report(propertyDeclaration, propertyName, 'optional option without a @default tag');
        }
        // A member of an object type literal (`type XOptions = { ... }`) is no API item of its own,
        // so ae-undocumented never sees it: its doc comment is checked here.
        if (ts.isTypeLiteralNode(propertyDeclaration.parent) && !hasSummary(property)) {
          report(propertyDeclaration, propertyName, 'option without a doc comment');
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
    `tsdoc: ${counts.package}: ${counts.optionsTypes} options types, ${counts.optionProperties} option properties, ${counts.problems} missing`,
  );
}
const total = summary.reduce((sum, counts) => sum + counts.problems, 0);
const totalTypes = summary.reduce((sum, counts) => sum + counts.optionsTypes, 0);
const totalProperties = summary.reduce((sum, counts) => sum + counts.optionProperties, 0);
console.log(
  `tsdoc: ${totalProperties} option properties of ${totalTypes} options types in ${summary.length} packages checked in ${seconds}s: ${total === 0 ? 'every optional one has a @default' : `${total} without @default`}`,
);
if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
process.exit(total === 0 ? 0 : 1);
