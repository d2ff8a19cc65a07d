import { execFile } from 'node:child_process'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { runAuditVerify } from '../src/commands/audit/verify.ts'
import { call, externalMail, reviewerHeaders } from './helpers/http.ts'
import { emailPacksDir, REPO_ROOT } from './helpers/in-process.ts'
import { spawnServe, type ServeChild } from './helpers/serve-process.ts'

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 })

const run = promisify(execFile)

/** Runs the real CLI (from source) to completion. */
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const env = { ...process.env, PERMIT0_DATA_DIR: mkdtempSync(join(tmpdir(), 'permit0-cli-')) } // --data-dir wins when given
    const { stdout, stderr } = await run(process.execPath, ['apps/cli/bin/permit0.js', ...args], { cwd: REPO_ROOT, env })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

const internalMail = (n: number) => ({ tool_name: 'gmail_send', parameters: { to: 'alice@acme.com', subject: `s${n}`, body: 'hi' }, org_domain: 'acme.com' })

describe('serve on a persistent data dir (the default store)', () => {
  it('keeps the audit chain and its key across a restart; the JSONL export verifies with `permit0 audit verify`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-data-'))
    const args = ['--data-dir', dir, '--packs-dir', emailPacksDir()]
    let server: ServeChild | undefined = await spawnServe(args)
    try {
      expect(server.output()).toMatch(/created audit signing key .*audit-signing\.key/)
      expect(statSync(join(dir, 'audit-signing.key')).mode & 0o777).toBe(0o600)
      for (let i = 0; i < 3; i++) expect((await call(server.url, 'POST', '/api/v1/check', internalMail(i))).status).toBe(200)
      const before = (await call(server.url, 'GET', '/api/v1/audit?limit=10')).body.entries
      expect(await server.stop('SIGTERM')).toBe(0)

      server = await spawnServe(args)
      expect(server.output()).not.toMatch(/created audit signing key/)
      for (let i = 3; i < 5; i++) expect((await call(server.url, 'POST', '/api/v1/check', internalMail(i))).status).toBe(200)
      const verify = await call(server.url, 'GET', '/api/v1/audit/verify')
      expect(verify.body).toEqual({ ok: true, checked: 5 })
      const after = (await call(server.url, 'GET', '/api/v1/audit?limit=10')).body.entries
      expect(after).toHaveLength(5)
      expect(after.slice(2)).toEqual(before) // the old entries survived, unchanged

      const exported = await fetch(`${server.url}/api/v1/audit/export?format=jsonl`, { headers: reviewerHeaders(server.url) }).then((r) => r.text())
      const file = join(dir, 'export.jsonl')
      writeFileSync(file, exported)
      const lines = exported.trimEnd().split('\n').map((l) => JSON.parse(l) as { sequence: number; signature: string; entry_hash: string })
      expect(lines.map((l) => l.sequence)).toEqual([1, 2, 3, 4, 5])
      const out: string[] = []
      const err: string[] = []
      const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }
      expect(await runAuditVerify({ file, dataDir: dir }, { io, env: {} }), err.join('')).toBe(0)
      // Tampering with one exported entry is caught (the check above can fail).
      writeFileSync(file, exported.replace('"s1"', '"sX"'))
      expect(await runAuditVerify({ file, dataDir: dir }, { io, env: {} })).not.toBe(0)
    } finally {
      await server?.stop('SIGKILL')
    }
  })

  it('a token created with `token create --data-dir X` is enforced by `serve --data-dir X`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-data-'))
    const created = await cli(['token', 'create', '--name', 'agent-1', '--role', 'agent', '--data-dir', dir])
    expect(created.code, created.stderr).toBe(0)
    const secret = created.stdout.trim()
    const server = await spawnServe(['--data-dir', dir, '--packs-dir', emailPacksDir()])
    try {
      expect((await call(server.url, 'POST', '/api/v1/check', internalMail(1))).status).toBe(401)
      const ok = await call(server.url, 'POST', '/api/v1/check', internalMail(1), { headers: { authorization: `Bearer ${secret}` } })
      expect(ok.status).toBe(200)
      // The verified token is cached briefly, but a bad one never gets in.
      expect((await call(server.url, 'POST', '/api/v1/check', internalMail(1), { headers: { authorization: `Bearer ${secret}x` } })).status).toBe(401)
      expect((await call(server.url, 'GET', '/api/v1/audit', undefined, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(403)
    } finally {
      await server.stop('SIGKILL')
    }
  })

  it('a second serve on the same data dir fails with the lock message and a non-zero exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-data-'))
    const first = await spawnServe(['--data-dir', dir, '--packs-dir', emailPacksDir()])
    try {
      const second = await cli(['serve', '--port', '0', '--data-dir', dir, '--packs-dir', emailPacksDir()])
      expect(second.code).not.toBe(0)
      expect(second.stderr).toMatch(new RegExp(`data directory ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another permit0 process \\(pid \\d+\\)`))
      // The first one is unharmed.
      expect((await call(first.url, 'POST', '/api/v1/check', externalMail())).status).toBe(200)
    } finally {
      await first.stop('SIGKILL')
    }
  })
})
