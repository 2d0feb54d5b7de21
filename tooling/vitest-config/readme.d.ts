/** The regions between `// README:start [name]` and `// README:end` in a source text, dedented. */
export declare function readmeRegions(source: string): Array<{ name: string; code: string; line: number }>;
/** The fenced code blocks of a Markdown text, with trailing white space trimmed. */
export declare function markdownCodeBlocks(markdown: string): string[];
/**
 * Throws unless every `// README:start` region of the test file is, exactly, one code block of the
 * README (by default the nearest README.md above the test). Returns how many regions it checked.
 */
export declare function expectReadmeShows(testFile: string | URL, readme?: string | URL): number;
