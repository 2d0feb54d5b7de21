// @ts-check
// One check for every package README: the code a README shows is the code a test runs.
//
// A readme test keeps the README's code verbatim between marker comments, at the top level of the
// test module (so it runs as written, top-level await included) or indented inside a test:
//
//   // README:start quick start
//   ...the code exactly as the README shows it...
//   // README:end
//
// and ends with `it('is the code the README shows', () => expectReadmeShows(import.meta.url))`.
// Each marked region, dedented, must be the whole of one fenced code block of the README: not a
// part of one, so a README edit that the test does not run is caught too.
import { readFileSync } from 'node:fs';

const START = /^([ \t]*)\/\/ README:start(?:[ \t]+(.*))?$/;
const END = /^[ \t]*\/\/ README:end[ \t]*$/;

/**
 * The regions between `// README:start [name]` and `// README:end` in a source text, dedented by
 * the start marker's indentation, with trailing white space trimmed.
 *
 * @param {string} source
 * @returns {Array<{ name: string, code: string, line: number }>}
 */
export function readmeRegions(source) {
  const lines = source.split('\n');
  const regions = [];
  for (let i = 0; i < lines.length; i++) {
    const start = START.exec(lines[i] ?? '');
    if (!start) continue;
    const indent = start[1] ?? '';
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !END.test(lines[j] ?? ''); j++) {
      const line = lines[j] ?? '';
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (j >= lines.length) throw new Error(`README:start at line ${i + 1} has no README:end`);
    regions.push({ name: start[2]?.trim() || 'quick start', code: tidy(body.join('\n')), line: i + 1 });
    i = j;
  }
  return regions;
}

/**
 * The fenced code blocks of a Markdown text (any language), with trailing white space trimmed.
 *
 * @param {string} markdown
 * @returns {string[]}
 */
export function markdownCodeBlocks(markdown) {
  const blocks = [];
  const fence = /^(```|~~~)[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;
  for (const match of markdown.matchAll(fence)) blocks.push(tidy(match[2] ?? ''));
  return blocks;
}

/** @param {string} text */
function tidy(text) {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** @param {string} a @param {string} b */
function firstDifference(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) return { line: i + 1, test: left[i], readme: right[i] };
  }
  return undefined;
}

/**
 * Throws unless every README region of the test file is, exactly, one code block of the README.
 *
 * @param {string | URL} testFile - the test module (`import.meta.url`)
 * @param {string | URL} [readme] - the README; by default the package's, found from the test's folder
 * @returns {number} how many regions were checked
 */
export function expectReadmeShows(testFile, readme) {
  const testUrl = new URL(testFile);
  const readmeUrl = readme === undefined ? findReadme(testUrl) : new URL(readme, testUrl);
  const regions = readmeRegions(readFileSync(testUrl, 'utf8'));
  if (regions.length === 0) throw new Error(`${testUrl.pathname} has no // README:start region`);
  const blocks = markdownCodeBlocks(readFileSync(readmeUrl, 'utf8'));
  for (const region of regions) {
    if (blocks.includes(region.code)) continue;
    // The block that starts like the region is the one that drifted: show where.
    const firstLine = region.code.split('\n')[0];
    const near = blocks.find((block) => block.split('\n')[0] === firstLine) ?? blocks[0] ?? '';
    const diff = firstDifference(region.code, near);
    throw new Error(
      `The README's "${region.name}" (${readmeUrl.pathname}) is not the code ${testUrl.pathname}:${region.line} runs.` +
        (diff
          ? `\nFirst difference, line ${diff.line} of the block:\n  test:   ${diff.test ?? '(ends)'}\n  README: ${diff.readme ?? '(ends)'}`
          : ''),
    );
  }
  return regions.length;
}

/** The nearest README.md at or above the test file's folder. @param {URL} testUrl */
function findReadme(testUrl) {
  for (let dir = new URL('.', testUrl); ; dir = new URL('..', dir)) {
    const candidate = new URL('README.md', dir);
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      if (dir.pathname === '/') throw new Error(`No README.md above ${testUrl.pathname}`);
    }
  }
}
