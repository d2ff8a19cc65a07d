import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { formatSummary } from '../summary-reporter.ts'

const FIXTURES = fileURLToPath(new URL('./fixtures/run/', import.meta.url))
const VITEST_BIN = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

/** Runs `vitest run <files>` as a child process in the fixtures folder (its config registers the reporter). */
function runFixtures(files: string[]): Promise<{ code: number; lines: string[] }> {
  // A clean environment: no variables of the vitest run this test is part of.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV'),
  )
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [VITEST_BIN, 'run', ...files],
      { cwd: FIXTURES, env: { ...env, NO_COLOR: '1', CI: 'true' } },
      (error, stdout) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        if (code === -1) reject(error)
        else resolve({ code, lines: stdout.trimEnd().split('\n') })
      },
    )
  })
}

describe('formatSummary', () => {
  it.each([
    [{ passed: 3, failed: 0, skipped: 0 }, '3 passed, 0 failed'],
    [{ passed: 0, failed: 2, skipped: 0 }, '0 passed, 2 failed'],
    [{ passed: 5, failed: 1, skipped: 4 }, '5 passed, 1 failed, 4 skipped'],
  ])('%o → %s', (summary, line) => {
    expect(formatSummary(summary)).toBe(line)
  })
})

describe('SummaryReporter in a real vitest run', () => {
  it('ends the output with passed, failed (tests + files that fail to collect) and skipped', async () => {
    const { code, lines } = await runFixtures(['mixed.test.ts', 'broken-import.test.ts'])
    expect(code).toBe(1)
    expect(lines.at(-1)).toBe('2 passed, 2 failed, 2 skipped')
    // The default reporter still prints its own summary above ours.
    expect(lines.some((l) => /Tests\s+1 failed \| 2 passed/.test(l))).toBe(true)
  })

  it('prints 0 failed when every test passes', async () => {
    const { code, lines } = await runFixtures(['passing.test.ts'])
    expect(code).toBe(0)
    expect(lines.at(-1)).toBe('1 passed, 0 failed')
  })
})
