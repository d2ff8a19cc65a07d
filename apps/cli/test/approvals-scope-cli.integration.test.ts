import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { NormAction } from '@permit0/engine'
import type { Store } from '@permit0/store'
import { runApprovalsDecide } from '../src/commands/approvals.ts'
import { CONFIG_FINGERPRINT_KEY, createLocalQueue } from '../src/mcp/local-approvals.ts'
import { sessionKeyOf } from '../src/server/remember.ts'
import { openStore } from '../src/store-options.ts'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

let counter = 0
const normAction = (): NormAction => ({
  actionType: 'email.send',
  domain: 'email',
  verb: 'send',
  channel: 'gmail',
  parameters: { to: 'bob@external.example', subject: `scope ${++counter}` },
  execution: { surfaceTool: 'gmail_send', surfaceCommand: 'send mail' },
  normHash: `${counter.toString(16)}`.padStart(64, 'c'),
})

/** `permit0 approvals decide --scope` on a real embedded data dir. */
describe('permit0 approvals decide --scope', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'permit0-scope-cli-'))
  const home = mkdtempSync(join(tmpdir(), 'permit0-scope-home-'))
  const env = { HOME: home }
  const ids: Record<string, { id: string; normHash: string }> = {}
  const open = () => openStore({ dataDir }, { env: {}, homeDir: home })
  const capture = () => {
    const out: string[] = []
    const err: string[] = []
    return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) } }
  }
  const decide = async (name: string, flags: { scope?: string }, permission = 'allow') => {
    const c = capture()
    const code = await runApprovalsDecide(ids[name]!.id, permission, { dataDir, ...flags }, { env, io: c.io })
    return { code, err: c.err.join('\n') }
  }
  /** Reads the store (the CLI holds the data dir only while it runs). */
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await open()
    try {
      return await fn(store)
    } finally {
      await store.close()
    }
  }

  beforeAll(async () => {
    // Calls parked as `permit0 mcp` parks them: with its configuration fingerprint.
    await withStore(async (store) => {
      const queue = createLocalQueue(store, { replicaId: 'test' })
      try {
        for (const [name, sessionId] of [['default', 's-1'], ['once', 's-1'], ['session', 's-1'], ['no-session', undefined]] as const) {
          const action = normAction()
          const opened = await queue.open({
            kind: 'hitl',
            action,
            toolName: 'gmail_send',
            enginePermission: 'human',
            engineSource: 'Scorer',
            ...(sessionId !== undefined && { sessionId }),
            context: { metadata: { [CONFIG_FINGERPRINT_KEY]: 'fp-cli', ...(sessionId !== undefined && { session_id: sessionId }) } },
            timeoutMs: 600_000,
          })
          ids[name] = { id: opened.id, normHash: action.normHash }
        }
      } finally {
        await queue.close()
      }
    })
  })

  it('refuses an unknown scope before touching the store (exit 2, naming --scope)', async () => {
    const r = await decide('default', { scope: 'forever' })
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--scope "forever": expected once, call or session/)
  })

  it('refuses session for a call without a session id; the approval stays pending', async () => {
    const r = await decide('no-session', { scope: 'session' })
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--scope: "session" is not available .*session_id/)
    expect(await withStore(async (store) => (await store.approvals.get(ids['no-session']!.id))?.status)).toBe('pending')
  })

  it('default: remembered for the exact call (a cache row for every session) until an expiry it prints', async () => {
    const r = await decide('default', {})
    expect(r.code, r.err).toBe(0)
    expect(r.err).toMatch(/Remembered for this exact call until \d{4}-\d\d-\d\dT/)
    await withStore(async (store) => {
      const record = await store.approvals.get(ids.default!.id)
      expect(record?.resolution?.remember?.scope).toBe('call')
      const now = Date.now()
      expect((await store.policy.lookup(ids.default!.normHash, now)).cached).toMatchObject({ permission: 'allow', source: 'HumanReviewer', reviewer: expect.any(String) })
      expect((await store.policy.lookup(ids.default!.normHash, now)).cachedExpiresAtMs).toBe(record?.resolution?.remember?.expiresAtMs)
    })
  })

  it('--scope once: decided, nothing cached', async () => {
    const r = await decide('once', { scope: 'once' }, 'deny')
    expect(r.code, r.err).toBe(0)
    expect(r.err).toContain('Decided for this call only (not remembered)')
    await withStore(async (store) => {
      expect((await store.approvals.get(ids.once!.id))?.resolution).toMatchObject({ permission: 'deny', remember: { scope: 'once' } })
      expect((await store.policy.lookup(ids.once!.normHash, Date.now(), sessionKeyOf('s-1'))).cached).toBeUndefined()
    })
  })

  it('--scope session: a cache row for the approval’s session only', async () => {
    const r = await decide('session', { scope: 'SESSION' })
    expect(r.code, r.err).toBe(0)
    expect(r.err).toMatch(/Remembered for this exact call in this session until /)
    await withStore(async (store) => {
      const hash = ids.session!.normHash
      expect((await store.policy.lookup(hash, Date.now(), sessionKeyOf('s-1'))).cached).toMatchObject({ permission: 'allow', source: 'HumanReviewer', reviewer: expect.any(String) })
      expect((await store.policy.lookup(hash, Date.now(), sessionKeyOf('s-2'))).cached).toBeUndefined()
      expect((await store.policy.lookup(hash, Date.now())).cached).toBeUndefined()
    })
  })
})
