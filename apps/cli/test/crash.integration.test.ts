import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createDatabase } from './helpers/database.ts'
import { call, externalMail, reviewerHeaders } from './helpers/http.ts'
import { emailPacksDir } from './helpers/in-process.ts'
import { spawnServe, type ServeChild } from './helpers/serve-process.ts'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const BASE_URL = process.env.PERMIT0_TEST_DATABASE_URL
const REQUIRE_ALL = process.env.PERMIT0_REQUIRE_ALL === '1'

interface Acked {
  /** norm_hash → permission of every /check answered 200. */
  readonly decisions: Map<string, string>
  /** approval ids answered 202 (parked, pending). */
  readonly parked: string[]
  /** approval ids whose decide was answered 200, with the permission. */
  readonly decided: Map<string, string>
}

/**
 * Sustained mixed load from `workers` concurrent clients: scored reads (allow), external mails
 * parked with `hitl_wait: false` (202), and decides of parked ones. Calls `onAck` after every
 * acknowledged answer; resolves when every worker has lost the server.
 */
async function loadUntilGone(url: string, workers: number, onAck: (acked: Acked) => void): Promise<Acked> {
  const acked: Acked = { decisions: new Map(), parked: [], decided: new Map() }
  const toDecide: string[] = []
  let seq = 0
  const worker = async (w: number): Promise<void> => {
    for (;;) {
      const i = seq++
      try {
        if (i % 5 === 3 && toDecide.length > 0) {
          const id = toDecide.shift()!
          const permission = i % 2 === 0 ? 'allow' : 'deny'
          const r = await call(url, 'POST', '/api/v1/approvals/decide', { approval_id: id, permission, reviewer: `w${w}` })
          if (r.status === 200) acked.decided.set(id, permission)
          else if (r.status >= 500) return
        } else if (i % 5 === 1) {
          const r = await call(url, 'POST', '/api/v1/check', { ...externalMail(`crash test ${i}`), hitl_wait: false, hitl_timeout_secs: 3_600 })
          if (r.status !== 202) return
          acked.parked.push(r.body.approval_id)
          toDecide.push(r.body.approval_id)
        } else {
          const r = await call(url, 'POST', '/api/v1/check', { tool_name: 'gmail_read', parameters: { message_id: `m-${i}` } })
          if (r.status !== 200) return
          acked.decisions.set(r.body.norm_hash, r.body.permission)
        }
        onAck(acked)
      } catch {
        return // connection refused / reset: the server is gone
      }
    }
  }
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)))
  return acked
}

async function crashAndCheck(args: readonly string[]): Promise<void> {
  const first = await spawnServe(args)
  let killed: Promise<number | null> | undefined
  const acked = await loadUntilGone(first.url, 6, (a) => {
    // Kill mid-flight once enough of every kind has been acknowledged (an event, not a timer).
    if (killed === undefined && a.decisions.size >= 60 && a.parked.length >= 10 && a.decided.size >= 5) {
      killed = first.stop('SIGKILL')
    }
  })
  expect(killed, 'the load ended before the kill').toBeDefined()
  await killed

  let second: ServeChild | undefined
  try {
    second = await spawnServe(args)
    const url = second.url
    const verify = await call(url, 'GET', '/api/v1/audit/verify')
    expect(verify.body, JSON.stringify(verify.body)).toMatchObject({ ok: true })
    expect(verify.body.checked).toBeGreaterThanOrEqual(acked.decisions.size + acked.decided.size)

    const exported = await fetch(`${url}/api/v1/audit/export?format=jsonl`, { headers: reviewerHeaders(url) }).then((r) => r.text())
    const entries = exported
      .trimEnd()
      .split('\n')
      // The signed export format (docs/audit.md), as `permit0 audit verify` reads it.
      .map((l) => JSON.parse(l) as { kind: string; decision: string; approval_id?: string; sequence: number; norm_hash: string })
    expect(entries.map((e) => e.sequence)).toEqual(entries.map((_, i) => i + 1)) // no holes
    const byHash = new Map(entries.filter((e) => e.kind === 'decision').map((e) => [e.norm_hash, e.decision]))
    for (const [hash, permission] of acked.decisions) expect(byHash.get(hash), `acknowledged decision ${hash}`).toBe(permission)
    const human = new Map(entries.filter((e) => e.kind === 'human_decision').map((e) => [e.approval_id, e.decision]))
    for (const [id, permission] of acked.decided) expect(human.get(id), `acknowledged decide ${id}`).toBe(permission)

    // Every parked approval is accounted for: decided (by an acknowledged decide, or one in flight
    // at the kill), or still pending / expired. None vanished.
    for (const id of acked.parked) {
      const r = await call(url, 'GET', `/api/v1/approvals/${id}`)
      expect(r.status, `approval ${id}`).toBe(200)
      expect(['pending', 'expired', 'abandoned', 'decided']).toContain(r.body.status)
      if (acked.decided.has(id)) expect(r.body.status).toBe('decided')
    }
    // And the restarted server serves.
    expect((await call(url, 'POST', '/api/v1/check', { tool_name: 'gmail_read', parameters: { message_id: 'after' } })).status).toBe(200)
  } finally {
    await second?.stop('SIGKILL')
  }
}

describe('kill -9 during sustained load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-crash-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('embedded PGlite: after restart the chain verifies and every acknowledged decision is in it', async () => {
    await crashAndCheck(['--ui', '--data-dir', dir, '--packs-dir', emailPacksDir()])
  })
})

if (BASE_URL === undefined && REQUIRE_ALL) {
  describe('kill -9 on PostgreSQL', () => {
    it('needs PERMIT0_TEST_DATABASE_URL (PERMIT0_REQUIRE_ALL=1)', () => {
      throw new Error('PERMIT0_TEST_DATABASE_URL is not set but PERMIT0_REQUIRE_ALL=1')
    })
  })
}

describe.skipIf(BASE_URL === undefined)('kill -9 on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createDatabase>> | undefined
  afterAll(async () => db?.drop())

  it('after restart the chain verifies and every acknowledged decision is in it', async () => {
    db = await createDatabase(BASE_URL!, 'permit0_crash')
    await crashAndCheck(['--ui', '--database-url', db.url, '--packs-dir', emailPacksDir()])
  })
})
