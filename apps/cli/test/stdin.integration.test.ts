import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './helpers/in-process.ts'

const BIN = resolve(REPO_ROOT, 'apps/cli/bin/permit0.js')

/**
 * Runs the built CLI with a tool call written to its stdin slowly, in two parts (a large call from
 * a writer that has not caught up): reading stdin must wait for the data, not fail with EAGAIN.
 */
function withSlowStdin(args: readonly string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.once('error', fail)
    child.once('close', (code) => done({ code, stdout, stderr }))
    const half = Math.floor(input.length / 2)
    setTimeout(() => child.stdin.write(input.slice(0, half)), 300)
    setTimeout(() => child.stdin.end(input.slice(half)), 600)
  })
}

// A script of ≈ 40 KB written by the Write tool, its payload at the end.
const bigWrite = JSON.stringify({
  tool_name: 'Write',
  parameters: { file_path: '/home/dev/project/pad.sh', content: `#!/bin/sh\n${'# padding\n'.repeat(4000)}rm -rf ~\n` },
  metadata: { cwd: '/home/dev/project' },
})

describe('a large tool call on a slow stdin', { timeout: 60_000 }, () => {
  it('permit0 check reads it whole and decides (the script at the end asks a person)', async () => {
    const r = await withSlowStdin(['check', '--packs-dir', 'packs', '--json'], bigWrite)
    expect(r.stderr).not.toMatch(/EAGAIN/)
    expect(JSON.parse(r.stdout)).toMatchObject({ permission: 'human', action_type: 'file.create' })
    expect(r.code).toBe(1)
  })

  it('permit0 normalize --input - reads it whole', async () => {
    const r = await withSlowStdin(['normalize', '--packs-dir', 'packs', '--input', '-'], bigWrite)
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toMatchObject({ action_type: 'file.create', parameters: { script: { script: true, deny: true } } })
  })
})
