import { describe, expect, it } from 'vitest'
import { inlineLiteral } from '../src/embedded-dialect.ts'
import { createStore } from '../src/index.ts'
import { auditInput, rawCall } from './fixtures.ts'

describe('embedded dialect: values as quoted literals', () => {
  it('quotes strings, numbers and bigints as PGlite would send them as text parameters', () => {
    expect(inlineLiteral('plain')).toBe("'plain'")
    expect(inlineLiteral("it's")).toBe("'it''s'")
    expect(inlineLiteral("''")).toBe("''''''")
    expect(inlineLiteral('back\\slash')).toBe("'back\\slash'")
    expect(inlineLiteral(42)).toBe("'42'")
    expect(inlineLiteral(-1.5)).toBe("'-1.5'")
    expect(inlineLiteral(12345678901234567890n)).toBe("'12345678901234567890'")
    expect(inlineLiteral(null)).toBe('null')
  })

  it('leaves what it cannot write as a literal to a bound parameter', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, true, new Date(0), new Uint8Array([1]), { a: 1 }, ['x'], undefined, 'nul\0byte']) {
      expect(inlineLiteral(value)).toBeUndefined()
    }
  })
})

/** Text an attacker controls (tool parameters, session ids, reasons) that SQL must never read as SQL. */
const HOSTILE = [
  "'); drop table audit_entries; --",
  "x' or '1'='1",
  "\\'; select pg_sleep(10); --",
  '$1 $$ $tag$ dollar $tag$',
  "E'\\x27'",
  '-- comment\n/* block */ ; ;',
  'ünïcödé ✓ 🛡️ \u2028\u2029',
  `${"'".repeat(50)}\\${"'".repeat(50)}`,
]

describe('embedded store: hostile text round-trips exactly and is never run', () => {
  it('stores and reads back policy reasons, audit entries and session ids as given', async () => {
    const store = createStore({ kind: 'embedded' })
    try {
      await store.migrate()
      for (const [i, text] of HOSTILE.entries()) {
        const normHash = i.toString(16).padStart(64, '0')
        await store.policy.listUpsert({ list: 'deny', normHash, reason: text, createdBy: text, createdAtMs: i })
        expect((await store.policy.listEntries('deny')).find((e) => e.normHash === normHash)).toMatchObject({ reason: text, createdBy: text })

        const entry = await store.audit.append(auditInput({ sessionId: text, explanation: text, rawToolCall: rawCall({ parameters: { body: text } }) }))
        expect(await store.audit.get(entry.entryId)).toEqual(entry)
        const page = await store.audit.list({ sessionId: text })
        expect(page.entries.map((e) => e.entryId)).toEqual([entry.entryId])
      }
      expect((await store.audit.verify()).ok).toBe(true)
      expect((await store.audit.head()).sequence).toBe(HOSTILE.length)
    } finally {
      await store.close()
    }
  })

  it('numbers keep their meaning in comparisons, limits and bigint columns', async () => {
    const store = createStore({ kind: 'embedded', clock: () => 1_700_000_000_000 })
    try {
      await store.migrate()
      for (let i = 0; i < 5; i++) await store.audit.append(auditInput({ timestampMs: 1_700_000_000_000 + i * 1000 }))
      const page = await store.audit.list({ sinceMs: 1_700_000_002_000, limit: 2 })
      expect(page.entries.map((e) => e.timestampMs)).toEqual([1_700_000_004_000, 1_700_000_003_000])
      expect(page.entries.map((e) => e.sequence)).toEqual([5, 4])
      const next = await store.audit.list({ sinceMs: 1_700_000_002_000, limit: 2, ...(page.nextCursor === undefined ? {} : { cursor: page.nextCursor }) })
      expect(next.entries.map((e) => e.sequence)).toEqual([3])
    } finally {
      await store.close()
    }
  })
})
