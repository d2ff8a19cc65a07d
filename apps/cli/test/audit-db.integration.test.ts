import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIT_CSV_COLUMNS, createStore, generateAuditKey, MIGRATIONS, type Store } from '@permit0/store'
import { runAuditExport } from '../src/commands/audit/export.ts'
import { runAuditInspect } from '../src/commands/audit/inspect.ts'
import { runAuditVerify } from '../src/commands/audit/verify.ts'
import { runDbMigrate } from '../src/commands/db/migrate.ts'
import { runDbStatus } from '../src/commands/db/status.ts'
import { resolveAuditKeyPath, resolveStoreConfig } from '../src/store-options.ts'
import { auditRoutes } from '../src/server/routes/audit.ts'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err }
}

const entry = (i: number) => ({
  kind: 'decision' as const,
  decision: i % 3 === 0 ? ('deny' as const) : ('allow' as const),
  decisionSource: 'Scorer' as const,
  action: {
    actionType: 'email.send',
    domain: 'email',
    verb: 'send',
    channel: 'gmail',
    parameters: { to: `user${i}@example.com`, note: 'comma, "quoted"' },
    execution: { surfaceTool: 'gmail_send', surfaceCommand: 'send' },
    normHash: i.toString(16).padStart(64, '0'),
  },
  rawToolCall: { toolName: 'gmail_send', parameters: { to: `user${i}@example.com` }, metadata: {} },
  risk: { raw: 0.1, score: 10, tier: 'LOW' as const, flags: [], blocked: false },
  timestampMs: 1_750_000_000_000 + i,
})

describe('audit export → verify / inspect (embedded store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-audit-cli-'))
  const seed = generateAuditKey()
  let store: Store
  let publicKey: string
  const jsonl = join(dir, 'audit.jsonl')

  beforeAll(async () => {
    store = createStore({ kind: 'embedded', audit: { signingKey: seed } })
    await store.migrate()
    publicKey = store.audit.publicKey
    for (let i = 1; i <= 5; i += 1) await store.audit.append(entry(i))
  }, 120_000)
  afterAll(async () => {
    await store?.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const keepOpen = () => Promise.resolve({ ...store, close: async () => {} } as Store)

  it('exports JSONL oldest first and the raw export verifies', async () => {
    const c = capture()
    expect(await runAuditExport({ format: 'jsonl', output: jsonl }, { io: c.io, env: {}, openStore: keepOpen })).toBe(0)
    const lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as { sequence: number }).sequence)).toEqual([1, 2, 3, 4, 5])
    expect(c.err).toEqual([`exported 5 audit entries (jsonl, oldest first) to ${jsonl}`])

    const v = capture()
    expect(await runAuditVerify({ file: jsonl, publicKey: [publicKey] }, { io: v.io, env: {} })).toBe(0)
    expect(v.out[0]).toMatch(/^PASS: 5 entries \(seq 1\.\.5\)/)
  })

  it('names the tampered entry and exits 1', async () => {
    const lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n')
    const victim = JSON.parse(lines[2]!) as Record<string, unknown>
    victim.decision = 'allow' === victim.decision ? 'deny' : 'allow'
    lines[2] = JSON.stringify(victim)
    const tampered = join(dir, 'tampered.jsonl')
    writeFileSync(tampered, `${lines.join('\n')}\n`)
    const v = capture()
    expect(await runAuditVerify({ file: tampered, publicKey: [publicKey] }, { io: v.io, env: {} })).toBe(1)
    expect(v.out).toEqual([`FAILED: entry at line 3 (seq 3, id ${victim.entry_id as string}): entry_hash does not match its content`])

    const reordered = join(dir, 'reordered.jsonl')
    writeFileSync(reordered, `${[...lines].reverse().join('\n')}\n`)
    const r = capture()
    expect(await runAuditVerify({ file: reordered, publicKey: [publicKey] }, { io: r.io, env: {} })).toBe(1)
  })

  it('rejects a wrong key, a bad key argument and a missing key source', async () => {
    const wrong = capture()
    // a syntactically valid key that did not sign the entries
    expect(await runAuditVerify({ file: jsonl, publicKey: ['ab'.repeat(32)] }, { io: wrong.io, env: {} })).toBe(1)
    expect(wrong.out[0]).toContain('signed by unknown key id')
    const bad = capture()
    expect(await runAuditVerify({ file: jsonl, publicKey: ['xyz'] }, { io: bad.io, env: {} })).toBe(2)
    const none = capture()
    expect(await runAuditVerify({ file: jsonl }, { io: none.io, env: {}, homeDir: dir })).toBe(2)
    expect(none.err[0]).toContain('no public key')
  })

  it('trusts the key file of a data dir', async () => {
    const dataDir = join(dir, 'data')
    const keyPath = resolveAuditKeyPath({ dataDir }, { env: {} })
    expect(keyPath).toBe(join(dataDir, 'audit-signing.key'))
    const { mkdirSync } = await import('node:fs')
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(keyPath, `${Buffer.from(seed).toString('hex')}\n`, { mode: 0o600 })
    const v = capture()
    expect(await runAuditVerify({ file: jsonl, dataDir }, { io: v.io, env: {} })).toBe(0)
  })

  it('exports CSV with quoting', async () => {
    const chunks: string[] = []
    const c = capture()
    expect(
      await runAuditExport({ format: 'csv' }, { io: c.io, env: {}, openStore: keepOpen, writeStdout: (s) => void chunks.push(s) }),
    ).toBe(0)
    const rows = chunks.join('').trimEnd().split('\n')
    expect(rows[0]).toBe(
      'entry_id,timestamp,sequence,kind,decision,decision_source,action_type,channel,norm_hash,score,tier,session_id,reviewer,engine_decision,approval_id,prev_hash,entry_hash,key_id',
    )
    expect(rows).toHaveLength(6)
    expect(rows[1]!.split(',')[2]).toBe('1')
    expect(rows[3]!.split(',').slice(4, 6)).toEqual(['deny', 'Scorer'])
  })

  it('inspects an export', async () => {
    const c = capture()
    expect(await runAuditInspect({ file: jsonl, limit: 2 }, { io: c.io })).toBe(0)
    expect(c.out[0]).toBe('5 entries, sequence 1..5 (file order)')
    expect(c.out[1]).toMatch(/^seq=1 \| 2025-06-15T15:06:40.001Z \| email.send +\| allow \| Scorer +\| hash=[0-9a-f]{16}\.\.\.$/)
    expect(c.out.at(-1)).toBe('... (3 more entries not shown)')
    const broken = join(dir, 'broken.jsonl')
    writeFileSync(broken, '{"sequence":1}\nnot json\n')
    const b = capture()
    expect(await runAuditInspect({ file: broken }, { io: b.io })).toBe(1)
    expect(b.err[0]).toMatch(/broken\.jsonl:2: not valid JSON/)
  })

  it('verifies batch-signed exports and names a forged batch signature or entries left unsigned', async () => {
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => store.audit.append(entry(100 + i))))
    const file = join(dir, 'batched.jsonl')
    const c = capture()
    expect(await runAuditExport({ format: 'jsonl', output: file }, { io: c.io, env: {}, openStore: keepOpen })).toBe(0)
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(parsed.filter((l) => l.signature !== undefined).length).toBeLessThan(parsed.length) // 5 single + batches
    const ok = capture()
    expect(await runAuditVerify({ file, publicKey: [publicKey] }, { io: ok.io, env: {} })).toBe(0)
    expect(ok.out[0]).toMatch(new RegExp(`^PASS: ${parsed.length} entries`))

    // The signed last entry cut off: its batch is named from its first entry (line numbers 1-based).
    const last = burst.at(-1)!
    const firstOfBatch = parsed.findLastIndex((l, i) => i < parsed.length - 1 && l.signature !== undefined) + 1
    const cut = join(dir, 'cut.jsonl')
    writeFileSync(cut, `${lines.slice(0, -1).join('\n')}\n`)
    const u = capture()
    expect(await runAuditVerify({ file: cut, publicKey: [publicKey] }, { io: u.io, env: {} })).toBe(1)
    expect(u.out[0]).toMatch(new RegExp(`^FAILED: entry at line ${firstOfBatch + 1} \\(seq ${String(parsed[firstOfBatch]!.sequence)}, .*not covered by any batch signature`))

    // A forged batch signature is named at the batch end, with the entries it covers.
    const forged = parsed.map((l) => ({ ...l }))
    const sig = forged.at(-1)!.signature as string
    forged.at(-1)!.signature = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1)
    const bad = join(dir, 'forged.jsonl')
    writeFileSync(bad, `${forged.map((l) => JSON.stringify(l)).join('\n')}\n`)
    const f = capture()
    expect(await runAuditVerify({ file: bad, publicKey: [publicKey] }, { io: f.io, env: {} })).toBe(1)
    expect(f.out[0]).toBe(
      `FAILED: entry at line ${parsed.length} (seq ${last.sequence}, id ${last.entryId}): invalid batch signature (it covers entries ${String(parsed[firstOfBatch]!.sequence)}–${last.sequence})`,
    )
  })
})

describe('store options and db status', () => {
  it('resolves flags > env > defaults', () => {
    expect(resolveStoreConfig({}, { env: {}, homeDir: '/home/u' })).toEqual({ kind: 'embedded', dataDir: '/home/u/.permit0/data', audit: {} })
    expect(
      resolveStoreConfig(
        {},
        { env: { PERMIT0_DATABASE_URL: 'postgres://a/b', PERMIT0_AUDIT_DATABASE_URL: 'postgres://a/c', PERMIT0_AUDIT_REDACT_KEYS: 'password, token' } },
      ),
    ).toEqual({ kind: 'postgres', url: 'postgres://a/b', auditUrl: 'postgres://a/c', audit: { redactKeys: ['password', 'token'] } })
    expect(resolveStoreConfig({ databaseUrl: 'postgres://x/y' }, { env: { PERMIT0_DATABASE_URL: 'postgres://a/b' } })).toMatchObject({
      url: 'postgres://x/y',
    })
    expect(resolveAuditKeyPath({}, { env: { PERMIT0_AUDIT_KEY_PATH: '/k/key' } })).toBe('/k/key')
  })

  it('an unreachable database is one clear line and exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-db-'))
    try {
      const c = capture()
      const code = await runDbStatus({ databaseUrl: 'postgres://u:pw@127.0.0.1:1/none', auditKey: join(dir, 'k') }, { io: c.io, env: {} })
      expect(code).toBe(1)
      expect(c.err).toEqual(['error: cannot connect to PostgreSQL at postgres://u:***@127.0.0.1:1/none: connect ECONNREFUSED 127.0.0.1:1'])
      expect(c.out).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('db migrate creates the data dir, a 0600 signing key and the schema, then is up to date', async () => {
    const home = mkdtempSync(join(tmpdir(), 'permit0-home-'))
    try {
      const first = capture()
      expect(await runDbMigrate({}, { io: first.io, env: {}, homeDir: home })).toBe(0)
      const dataDir = join(home, '.permit0', 'data')
      // A new embedded data dir starts from the cluster shipped with the store, which already holds
      // every migration (packages/store/scripts/make-pglite-template.ts: regenerate it when adding one).
      expect(first.out).toEqual([`embedded store ${dataDir}: up to date (${Object.keys(MIGRATIONS).length} migrations)`])
      expect(first.err[0]).toMatch(/^created audit signing key .*audit-signing\.key \(public key [0-9a-f]{64}\)$/)
      expect(statSync(join(dataDir, 'audit-signing.key')).mode & 0o777).toBe(0o600)
      const again = capture()
      expect(await runDbMigrate({}, { io: again.io, env: {}, homeDir: home })).toBe(0)
      expect(again.out).toEqual([`embedded store ${dataDir}: up to date (${Object.keys(MIGRATIONS).length} migrations)`])
      expect(again.err).toEqual([])
      const status = capture()
      expect(await runDbStatus({ json: true }, { io: status.io, env: {}, homeDir: home })).toBe(0)
      expect(JSON.parse(status.out[0]!)).toMatchObject({ kind: 'embedded', pending: [], auditEntries: 0 })
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('audit CSV: the HTTP export and `permit0 audit export` are one wire form', () => {
  let store: Store
  beforeAll(async () => {
    store = createStore({ kind: 'embedded', audit: { signingKey: generateAuditKey() } })
    await store.migrate()
    await store.audit.append({ ...entry(1), sessionId: 'sess, "one"\nline two' })
    await store.audit.append({
      ...entry(2),
      kind: 'human_decision',
      decision: 'deny',
      decisionSource: 'HumanReviewer',
      humanReview: { reviewer: 'ops@example.com', decision: 'deny', reason: 'no', reviewedAtMs: 1_750_000_000_100 },
      engineDecision: 'human',
      engineSource: 'Scorer',
      approvalId: '01JZ0000000000000000000000',
    })
    const { risk: _risk, ...noRisk } = entry(3)
    await store.audit.append({ ...noRisk, kind: 'failed_open', decision: 'allow', decisionSource: 'FailedOpen', reason: 'replayed' })
  }, 120_000)
  afterAll(async () => {
    await store?.close()
  })

  it('writes byte-identical CSV for the same entries, with every column of AUDIT_CSV_COLUMNS', async () => {
    const chunks: string[] = []
    const c = capture()
    const keepOpen = () => Promise.resolve({ ...store, close: async () => {} } as Store)
    expect(await runAuditExport({ format: 'csv' }, { io: c.io, env: {}, openStore: keepOpen, writeStdout: (s) => void chunks.push(s) })).toBe(0)
    const cli = chunks.join('')

    const reply = await auditRoutes({ store: store as never, auth: undefined }).request('/export?format=csv')
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const http = await reply.text()

    expect(http).toBe(cli)
    const lines = cli.split('\n')
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','))
    expect(AUDIT_CSV_COLUMNS).toHaveLength(18)
    expect(cli.endsWith('\n')).toBe(true)
    // the quoted session id spans two physical lines; the human decision names its reviewer
    expect(cli).toContain('"sess, ""one""\nline two"')
    expect(cli).toMatch(/,deny,HumanReviewer,email\.send,gmail,[0-9a-f]{64},10,LOW,,ops@example\.com,human,01JZ0000000000000000000000,/)
    expect(cli).toMatch(/,failed_open,allow,FailedOpen,email\.send,gmail,[0-9a-f]{64},,,,,,,/)
  })
})
