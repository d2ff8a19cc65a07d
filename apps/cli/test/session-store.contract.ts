import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  boundSessionRecord,
  SESSION_ID_MAX_LENGTH,
  SESSION_RECORD_MAX_CHARS,
  SESSION_RECORD_LIMIT,
  SESSION_TTL_MS,
  Tier,
  type SessionRecord,
  type SessionStore,
} from '@permit0/engine'

export type MakeSessionStore = () => Promise<{ sessions: SessionStore; cleanup?: () => Promise<void> }>

let counter = 0
/** A session id no other test uses (stores are shared within a suite). */
const freshId = (label: string): string => `${label}-${process.pid}-${Date.now().toString(36)}-${++counter}`

const record = (atMs: number, extra: Partial<SessionRecord> = {}): SessionRecord => ({
  actionType: 'email.send',
  tier: Tier.Low,
  flags: ['OUTBOUND'],
  atMs,
  parameters: { to: 'bob@acme.test', n: atMs },
  ...extra,
})

/**
 * The session store port's contract (`SessionStore` in `@permit0/engine`), run against every
 * implementation: the store's rows (PGlite and PostgreSQL), the in-memory map and the hook's
 * JSON-lines files.
 */
export function defineSessionStoreContract(name: string, make: MakeSessionStore): void {
  describe(`session store contract: ${name}`, () => {
    let sessions: SessionStore
    let cleanup: (() => Promise<void>) | undefined
    const base = Date.now()

    beforeAll(async () => {
      const made = await make()
      sessions = made.sessions
      cleanup = made.cleanup
    }, 120_000)
    afterAll(async () => {
      await cleanup?.()
    }, 60_000)

    it('an unknown session loads empty', async () => {
      const id = freshId('empty')
      expect(await sessions.load(id, base)).toEqual({ sessionId: id, records: [] })
    })

    it('returns what was appended, every field, oldest first by time (ties in append order)', async () => {
      const id = freshId('order')
      const full: SessionRecord = {
        actionType: 'payment.transfer',
        tier: Tier.High,
        flags: ['FINANCIAL', 'OUTBOUND'],
        atMs: base - 3_000,
        parameters: { amount: 12_500, recipient: 'acct-9', nested: { a: [1, 'x', null, true] } },
        permission: 'human',
      }
      await sessions.append(id, record(base - 1_000, { actionType: 'file.read' }))
      await sessions.append(id, full)
      await sessions.append(id, record(base - 1_000, { actionType: 'email.send' }))
      await sessions.append(id, record(base, { permission: 'deny' }))
      const loaded = await sessions.load(id, base)
      expect(loaded.sessionId).toBe(id)
      expect(loaded.records.map((r) => [r.actionType, r.atMs])).toEqual([
        ['payment.transfer', base - 3_000],
        ['file.read', base - 1_000],
        ['email.send', base - 1_000],
        ['email.send', base],
      ])
      expect(loaded.records[0]).toEqual(full)
      expect(loaded.records[3]?.permission).toBe('deny')
    })

    it('keeps sessions apart, whatever their ids look like', async () => {
      const hostile = [
        `${freshId('q')}'; DROP TABLE session_records; --`,
        `${freshId('u')} ünïcødé ✓ "quoted" \\ back/slash`,
        `${freshId('long')}${'x'.repeat(SESSION_ID_MAX_LENGTH)}`.slice(0, SESSION_ID_MAX_LENGTH),
        freshId('%_like'),
        freshId('%'),
      ]
      for (const [i, id] of hostile.entries()) await sessions.append(id, record(base + i, { actionType: `domain.v${i}` }))
      for (const [i, id] of hostile.entries()) {
        expect((await sessions.load(id, base + 10)).records.map((r) => r.actionType)).toEqual([`domain.v${i}`])
      }
    })

    it(`keeps only the newest ${SESSION_RECORD_LIMIT} records of a session`, async () => {
      const id = freshId('bounded')
      const total = SESSION_RECORD_LIMIT + 25
      const start = base - total
      for (let i = 0; i < total; i++) await sessions.append(id, record(start + i))
      const { records } = await sessions.load(id, base)
      expect(records).toHaveLength(SESSION_RECORD_LIMIT)
      expect(records[0]?.atMs).toBe(start + 25)
      expect(records.at(-1)?.atMs).toBe(start + total - 1)
    }, 120_000)

    it('loses no record to concurrent appends', async () => {
      const id = freshId('concurrent')
      await Promise.all(Array.from({ length: 20 }, (_, i) => sessions.append(id, record(base + i))))
      const { records } = await sessions.load(id, base + 100)
      expect(records.map((r) => r.atMs)).toEqual(Array.from({ length: 20 }, (_, i) => base + i))
    })

    it(`ignores records older than the TTL (${SESSION_TTL_MS} ms) on read, and prune removes them`, async () => {
      const id = freshId('ttl')
      await sessions.append(id, record(base - SESSION_TTL_MS - 1_000, { actionType: 'old.one' }))
      await sessions.append(id, record(base, { actionType: 'new.one' }))
      expect((await sessions.load(id, base)).records.map((r) => r.actionType)).toEqual(['new.one'])
      // Later, everything has expired: prune removes it, and nothing comes back.
      const later = base + SESSION_TTL_MS + 3_600_000
      expect((await sessions.load(id, later)).records).toEqual([])
      expect(await sessions.prune(later)).toBeGreaterThanOrEqual(1)
      expect((await sessions.load(id, base)).records).toEqual([])
    })

    it('stores a bounded hostile record intact (the rules\' parameters survive) and refuses an unbounded one', async () => {
      const id = freshId('hostile')
      const flags = Array.from({ length: 1_000 }, (_, i) => `F${i}`)
      const parameters: Record<string, unknown> = { amount: 499_999, recipient: 'acct-1', customer: 'c'.repeat(5_000), body: 'x'.repeat(2_000_000) }
      for (let i = 0; i < 500; i++) parameters[`k${String(i).padStart(3, '0')}`] = i
      const hostile = record(base, { flags, parameters: parameters as SessionRecord['parameters'] })
      await expect(sessions.append(id, hostile)).rejects.toThrow(/exceeds 16384/)
      expect((await sessions.load(id, base)).records).toEqual([])

      const bounded = boundSessionRecord(hostile)
      expect(JSON.stringify(bounded).length).toBeLessThanOrEqual(SESSION_RECORD_MAX_CHARS)
      await sessions.append(id, bounded)
      const [stored] = (await sessions.load(id, base)).records
      expect(stored).toEqual(bounded)
      // padding cannot push the rules' parameters out; an oversized one is kept as a digest
      expect(stored?.parameters.amount).toBe(499_999)
      expect(stored?.parameters.recipient).toBe('acct-1')
      expect(stored?.parameters.customer).toMatch(/^sha256:[0-9a-f]{64}$/)
      expect(stored?.parameters.body).toBeUndefined()
      expect(stored?.parameters.k000).toBe(0)
      expect(stored?.flags.length).toBeLessThanOrEqual(32)
    })
  })
}
