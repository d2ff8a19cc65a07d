import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createStore, type Store } from '@permit0/store'
import { runTokenCreate } from '../src/commands/token/create.ts'
import { runTokenList } from '../src/commands/token/list.ts'
import { runTokenRevoke } from '../src/commands/token/revoke.ts'
import type { TokenDeps } from '../src/commands/token/shared.ts'
import { openStore } from '../src/store-options.ts'
import { main } from '../src/program.ts'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err }
}

describe('permit0 token create|list|revoke (run functions)', () => {
  let store: Store
  beforeAll(async () => {
    store = createStore({ kind: 'embedded' })
    await store.migrate()
  })
  afterAll(async () => store?.close())
  const deps = (io: ReturnType<typeof capture>['io']): TokenDeps => ({
    io,
    env: {},
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    openStore: async () => ({ ...store, close: async () => {} }) as Store,
  })

  it('prints the secret alone on stdout, once; the store keeps only a hash that verifies', async () => {
    const c = capture()
    expect(await runTokenCreate({ name: 'alice', role: 'approver' }, deps(c.io))).toBe(0)
    expect(c.out).toHaveLength(1)
    const secret = c.out[0]!
    expect(secret).toMatch(/^p0_[A-Za-z0-9_-]{40,}$/)
    expect(c.err.join('\n')).toMatch(/approver token 'alice'.*shown once/)
    expect(c.err.join('\n')).not.toContain(secret)
    expect(await store.tokens.verify(secret)).toEqual({ name: 'alice', role: 'approver' })

    const listed = capture()
    expect(await runTokenList({}, deps(listed.io))).toBe(0)
    expect(listed.out.join('\n')).toMatch(/alice\s+approver\s+2026-01-02T03:04:05.000Z\s+active/)
    expect(listed.out.join('\n')).not.toContain(secret)
  })

  it('rejects bad names and roles with exit 2 before touching the store, duplicates with exit 1', async () => {
    const bad = capture()
    expect(await runTokenCreate({ name: 'has space', role: 'root' }, deps(bad.io))).toBe(2)
    expect(bad.err.join('\n')).toMatch(/--name "has space"/)
    expect(bad.err.join('\n')).toMatch(/--role "root": expected one of agent, viewer, approver, admin/)
    expect(bad.out).toEqual([])
    const dup = capture()
    await runTokenCreate({ name: 'bob', role: 'viewer' }, deps(capture().io))
    expect(await runTokenCreate({ name: 'bob', role: 'admin' }, deps(dup.io))).toBe(1)
    expect(dup.err.join('\n')).toMatch(/already exists/)
    expect(dup.out).toEqual([])
  })

  it('revokes by name (the secret stops verifying); unknown names exit 1', async () => {
    const c = capture()
    await runTokenCreate({ name: 'ci', role: 'agent' }, deps(c.io))
    const secret = c.out[0]!
    const r = capture()
    expect(await runTokenRevoke('ci', {}, deps(r.io))).toBe(0)
    expect(await store.tokens.verify(secret)).toBeUndefined()
    const again = capture()
    expect(await runTokenRevoke('ci', {}, deps(again.io))).toBe(1)
    expect(again.err.join('\n')).toMatch(/no active API token named "ci"/)
    const json = capture()
    expect(await runTokenList({ json: true }, deps(json.io))).toBe(0)
    const ci = json.out.map((l) => JSON.parse(l)).find((t) => t.name === 'ci')
    expect(ci).toMatchObject({ name: 'ci', role: 'agent', revoked_at: '2026-01-02T03:04:05.000Z' })
  })
})

describe('permit0 token through main() on a data dir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-token-cli-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates a token a later process can verify; a missing --role is a usage error (2)', async () => {
    const writes: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true))
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      expect(await main(['token', 'create', '--name', 'ops', '--role', 'admin', '--data-dir', dir])).toBe(0)
      expect(await main(['token', 'create', '--name', 'ops2', '--data-dir', dir])).toBe(2) // --role missing
    } finally {
      spy.mockRestore()
      errSpy.mockRestore()
      process.exitCode = undefined
    }
    expect(writes).toHaveLength(1)
    const secret = writes[0]!.replace(/\n$/, '')
    expect(writes[0]).toBe(`${secret}\n`)
    const store = await openStore({ dataDir: dir }, { env: {} })
    try {
      expect(await store.tokens.verify(secret)).toEqual({ name: 'ops', role: 'admin' })
    } finally {
      await store.close()
    }
  })
})
