/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own
 * summary, so CI tooling that reads closing lines can count the run. Also writes each test
 * file's time (import and collection apart from its tests) to reports/test-timings.json,
 * slowest first, which is how docs/testing.md finds where the suite's time goes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

const TIMINGS = new URL('../reports/test-timings.json', import.meta.url);

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    const files = testModules
      .map((module) => {
        const diagnostic = module.diagnostic();
        return {
          file: module.moduleId.replace(`${process.cwd()}/`, ''),
          ms: Math.round(diagnostic.duration + diagnostic.collectDuration + diagnostic.prepareDuration + diagnostic.setupDuration),
          collect_ms: Math.round(diagnostic.collectDuration),
          tests_ms: Math.round(diagnostic.duration),
          tests: [...module.children.allTests()].length,
        };
      })
      .sort((a, b) => b.ms - a.ms);
    try {
      mkdirSync(new URL('.', TIMINGS), { recursive: true });
      writeFileSync(TIMINGS, `${JSON.stringify({ at: new Date().toISOString(), files }, null, 1)}\n`);
    } catch {
      // A read-only checkout still gets its summary line.
    }
  }
}
