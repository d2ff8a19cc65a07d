import type { Reporter, SerializedError, TestModule, Vitest } from 'vitest/node'

/** Aggregated outcome of one vitest run. */
export interface RunSummary {
  readonly passed: number
  readonly failed: number
  readonly skipped: number
}

/**
 * Counts test cases over every project of a run. A test file that fails outside any test
 * (import error, failing `beforeAll`, …) and every unhandled error count as one failure each,
 * so "0 failed" holds exactly when vitest exits 0. Skipped and todo tests are "skipped".
 */
export function summarizeRun(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
): RunSummary {
  let passed = 0
  let failed = 0
  let skipped = 0
  for (const module of testModules) {
    let failedInModule = 0
    for (const test of module.children.allTests()) {
      const state = test.result().state
      if (state === 'passed') passed += 1
      else if (state === 'failed') failedInModule += 1
      else skipped += 1
    }
    failed += failedInModule
    if (failedInModule === 0 && module.state() === 'failed') failed += 1
  }
  return { passed, failed: failed + unhandledErrors.length, skipped }
}

/** `N passed, M failed` plus `, K skipped` when any were skipped. */
export function formatSummary(summary: RunSummary): string {
  const line = `${summary.passed} passed, ${summary.failed} failed`
  return summary.skipped > 0 ? `${line}, ${summary.skipped} skipped` : line
}

/**
 * A vitest reporter that prints one plain summary line as the run's very last output, after
 * the default reporter's summary. Register it after `'default'` in the root vitest config.
 */
export class SummaryReporter implements Reporter {
  #vitest: Vitest | undefined

  onInit(vitest: Vitest): void {
    this.#vitest = vitest
  }

  async onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): Promise<void> {
    // Reporters run concurrently; let the default reporter finish its summary first.
    await new Promise<void>((resolve) => setImmediate(resolve))
    const line = formatSummary(summarizeRun(testModules, unhandledErrors))
    if (this.#vitest === undefined) process.stdout.write(`${line}\n`)
    else this.#vitest.logger.log(line)
  }
}
