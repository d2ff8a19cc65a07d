import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CLOSED_PIPE_EXIT } from '../src/closed-pipe.ts'
import { REPO_ROOT } from './helpers/in-process.ts'

const BIN = resolve(REPO_ROOT, 'apps/cli/bin/permit0.js')

/**
 * Runs the built CLI with its stdout read by a reader that closes the pipe after the first chunk
 * (`permit0 … | head -1`); resolves with the exit code, the chunk read and stderr.
 */
function pipedIntoHead(args: readonly string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let first = ''
    let stderr = ''
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString()
      child.stdout.destroy() // the reader goes away; the CLI still has lines to write
    })
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.once('error', fail)
    child.once('close', (code) => done({ code, first, stderr }))
  })
}

describe('a closed stdout pipe (permit0 … | head)', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-pipe-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('audit inspect stops quietly with 141, no stack trace', async () => {
    const file = join(dir, 'big.jsonl')
    const row = (i: number) =>
      JSON.stringify({ sequence: i, timestamp: '2025-01-01T00:00:00.000Z', decision: 'allow', decision_source: 'Scorer', entry_hash: 'a'.repeat(64) })
    writeFileSync(file, `${Array.from({ length: 20_000 }, (_, i) => row(i + 1)).join('\n')}\n`)
    const r = await pipedIntoHead(['audit', 'inspect', file, '--limit', '20000'])
    expect(r.first).toMatch(/^20000 entries, sequence 1\.\.20000/)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(CLOSED_PIPE_EXIT)
  })
})
