import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { runAuditExport } from '../src/commands/audit/export.ts'
import { runAuditVerify } from '../src/commands/audit/verify.ts'

const BASE_URL = process.env.PERMIT0_TEST_DATABASE_URL || undefined
const RUN = BASE_URL !== undefined || process.env.PERMIT0_REQUIRE_ALL === '1'
const APPENDER = fileURLToPath(new URL('./fixtures/audit-appender.ts', import.meta.url))

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE_URL })
  await client.connect()
  try {
    await client.query(query)
  } finally {
    await client.end()
  }
}

describe.skipIf(!RUN)('two replicas appending to one PostgreSQL (CLI flow)', () => {
  it('export has 1000 entries, no duplicate sequence, and `audit verify` passes', async () => {
    if (BASE_URL === undefined) throw new Error('PERMIT0_REQUIRE_ALL=1 but PERMIT0_TEST_DATABASE_URL is not set')
    const name = `permit0_test_${randomBytes(6).toString('hex')}`
    await admin(`CREATE DATABASE ${name}`)
    const url = new URL(BASE_URL)
    url.pathname = `/${name}`
    const dir = mkdtempSync(join(tmpdir(), 'permit0-replicas-'))
    const keyPath = join(dir, 'shared-audit.key')
    try {
      // first replica creates the shared key and migrates; the second waits for it
      const start = (): Promise<{ child: ReturnType<typeof spawn>; done: Promise<number | null> }> =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, ['--conditions=@permit0/source', '--import', 'tsx', APPENDER, url.toString(), keyPath, '500'], { stdio: 'pipe' })
          let stderr = ''
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
          const done = new Promise<number | null>((res) => child.on('close', (code) => res(code)))
          child.stdout.on('data', (d: Buffer) => {
            if (d.toString().includes('ready')) resolve({ child, done })
          })
          child.on('close', (code) => reject(new Error(`appender exited ${code}: ${stderr}`)))
        })
      const a = await start()
      const b = await start()
      a.child.stdin?.write('go\n')
      b.child.stdin?.write('go\n')
      expect(await Promise.all([a.done, b.done])).toEqual([0, 0])

      const file = join(dir, 'audit.jsonl')
      const io = { stdout: () => {}, stderr: () => {} }
      expect(await runAuditExport({ databaseUrl: url.toString(), auditKey: keyPath, output: file }, { io, env: {} })).toBe(0)
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { sequence: number; agent_id: string })
      expect(lines).toHaveLength(1000)
      expect(new Set(lines.map((l) => l.sequence)).size).toBe(1000)
      expect(new Set(lines.map((l) => l.agent_id)).size).toBe(2)

      const out: string[] = []
      const code = await runAuditVerify({ file, auditKey: keyPath }, { io: { stdout: (t) => void out.push(t), stderr: (t) => void out.push(t) }, env: {} })
      expect(out.join('\n')).toMatch(/^PASS: 1000 entries \(seq 1\.\.1000\)/)
      expect(code).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    }
  }, 180_000)
})
