// @ts-check
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Prints one plain, uncoloured line last: `tests: N passed, N failed, N skipped`, counting test
 * files that fail to load as failures, and writes the same counts to `.vitest-summary.json` so
 * the workspace runner can add them up across packages. Failed tests are listed in that file too
 * (`failures`: file, test name, first line of the error) so the workspace runner can repeat them at
 * the very end of a long CI log, where they are seen.
 */
export default class SummaryReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    /** @type {string[]} */
    const failures = [];
    /** @param {ReadonlyArray<{ message?: string }>} errors */
    const firstLine = (errors) =>
      String(errors[0]?.message ?? '')
        .split('\n')[0]
        .slice(0, 300);
    for (const mod of testModules) {
      let count = 0;
      for (const test of mod.children.allTests()) {
        count++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') {
          failed++;
          failures.push(
            `${mod.relativeModuleId} > ${test.fullName}: ${firstLine(test.result().errors ?? [])}`,
          );
        } else skipped++;
      }
      const moduleState = mod.state();
      if (moduleState === 'failed' && (count === 0 || mod.errors().length > 0)) {
        failed++;
        failures.push(`${mod.relativeModuleId}: ${firstLine(mod.errors())}`);
      }
    }
    failed += unhandledErrors.length;
    for (const error of unhandledErrors) failures.push(`unhandled error: ${firstLine([error])}`);
    const summary = { passed, failed, skipped, failures };
    try {
      mkdirSync(join(process.cwd(), 'node_modules'), { recursive: true });
      writeFileSync(join(process.cwd(), 'node_modules', '.vitest-summary.json'), JSON.stringify(summary));
    } catch {
      // the summary file is a convenience for the workspace runner; the printed line is the record
    }
    process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
