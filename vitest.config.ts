import { defineConfig } from 'vitest/config'
import { SummaryReporter } from './tooling/vitest/summary-reporter.ts'

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples/*', 'tooling/eslint', 'tooling/vitest'],
    // The default output, then one plain `N passed, M failed[, K skipped]` line as the last line.
    reporters: ['default', new SummaryReporter()],
  },
})
