/**
 * Runs every pack's calibration corpus (`packs/<pack>/tests/shared/*.yaml`) through the real
 * engine, exactly as `permit0 calibrate test` does, so CI checks the shipped policies.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { runCalibrateTest } from '../src/commands/calibrate/test.ts'

// Every pack's whole corpus (~500 cases) through the real engine: seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 })

const REPO = resolve(import.meta.dirname, '../../..')
const PACKS = join(REPO, 'packs')
const PACKS_WITH_CORPUS = [
  'permit0/email',
  'claude-code',
  'mcp/github',
  'mcp/slack',
  'mcp/filesystem',
  'mcp/postgres',
  'mcp/stripe',
  'mcp/fetch',
] as const

async function calibrate(packsDir: string): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCalibrateTest(
    { packsDir },
    { cwd: REPO, nowMs: 1_700_000_000_000, stdout: (t) => (out += t), stderr: (t) => (err += t) },
  )
  return { code, out, err }
}

/** Over a thousand cases through the real engine: well past vitest's 5 s default on a busy machine. */
const CORPUS_TIMEOUT_MS = 180_000

const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true })
})

describe('pack calibration corpora', () => {
  it.each(PACKS_WITH_CORPUS)('%s ships at least 25 cases with expectations', (pack) => {
    const dir = join(PACKS, pack, 'tests', 'shared')
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    expect(files.length).toBeGreaterThanOrEqual(25)
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8')
      expect(text, f).toMatch(/^expected_permission: /m)
    }
  })

  it('every case of every pack passes through the real engine', async () => {
    const { code, out } = await calibrate(PACKS)
    const failures = out.split('\n').filter((l) => l.startsWith('✗'))
    expect(failures).toEqual([])
    expect(code).toBe(0)
    const summary = /(\d+) passed, (\d+) failed, (\d+) total/.exec(out)
    expect(summary?.[2]).toBe('0')
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(PACKS_WITH_CORPUS.length * 25)
  }, CORPUS_TIMEOUT_MS)

  it('a case whose expectation disagrees with the policy fails the run', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'permit0-packs-'))
    temps.push(tmp)
    cpSync(PACKS, tmp, { recursive: true })
    const caseFile = join(tmp, 'claude-code', 'tests', 'shared', 'wrong-expectation.yaml')
    writeFileSync(
      caseFile,
      [
        'name: rm_rf_root_claimed_allowed',
        'tool_name: Bash',
        'parameters: { command: "rm -rf /" }',
        'metadata: { cwd: /home/dev/project }',
        'expected_permission: Allow',
        '',
      ].join('\n'),
    )
    const { code, out } = await calibrate(tmp)
    expect(code).toBe(1)
    expect(out).toMatch(/✗ rm_rf_root_claimed_allowed +CRITICAL\/DENY/)
  }, CORPUS_TIMEOUT_MS)
})
