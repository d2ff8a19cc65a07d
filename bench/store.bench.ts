/**
 * Store throughput: policy-cache set / lookup (hit and miss) and audit appends (hash + ed25519
 * signature + serialized chain-head transaction) on embedded PGlite (in memory) and, when
 * `PERMIT0_BENCH_DATABASE_URL` or `PERMIT0_TEST_DATABASE_URL` is set, on PostgreSQL (a fresh
 * database, dropped afterwards).
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import pg from '../packages/store/node_modules/pg/lib/index.js'
import { auditBodyJson } from '../packages/store/src/audit-json.ts'
import { computeEntryHash, createAuditSigner, createStore, type NewAuditEntry, type Store } from '../packages/store/src/index.ts'
import type { BenchModule } from './types.ts'

interface Row {
  readonly backend: string
  readonly operation: string
  readonly ops: number
  readonly concurrency: number
  readonly seconds: number
}

const hash = (i: number) => i.toString(16).padStart(64, '0')

const entry = (i: number): NewAuditEntry => ({
  kind: 'decision',
  decision: 'allow',
  decisionSource: 'Scorer',
  action: {
    actionType: 'email.send',
    domain: 'email',
    verb: 'send',
    channel: 'gmail',
    parameters: { recipient: `user${i}@example.com`, recipient_scope: 'external', subject: 'status report' },
    execution: { surfaceTool: 'gmail_send', surfaceCommand: `send mail to user${i}@example.com` },
    normHash: hash(i),
  },
  rawToolCall: { toolName: 'gmail_send', parameters: { to: `user${i}@example.com`, subject: 'status report' }, metadata: { session_id: 's' } },
  risk: { raw: 0.12, score: 12, tier: 'LOW', flags: ['OUTBOUND'], blocked: false },
  trace: [{ stage: 'normalize', outcome: 'ok' }, { stage: 'risk_scoring', outcome: 'evaluated' }],
  sessionId: 'bench',
})

/** Runs `op(i)` n times with `concurrency` in flight; returns elapsed seconds. */
async function measure(n: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next
        next += 1
        await op(i)
      }
    }),
  )
  return (performance.now() - start) / 1000
}

async function benchStore(backend: string, store: Store, scale: number): Promise<Row[]> {
  await store.migrate()
  await store.policy.reconcileCache('bench')
  const rows: Row[] = []
  const record = async (operation: string, n: number, concurrency: number, op: (i: number) => Promise<unknown>) => {
    await measure(Math.min(50, n), concurrency, op) // warm-up
    rows.push({ backend, operation, ops: n, concurrency, seconds: await measure(n, concurrency, op) })
  }
  const set = (i: number) =>
    store.policy.cacheSet({
      normHash: hash(i),
      permission: 'allow',
      source: 'Scorer',
      risk: { raw: 0.1, score: 10, tier: 'LOW', flags: [], blocked: false },
      createdAtMs: 0,
      expiresAtMs: Number.MAX_SAFE_INTEGER,
      fingerprint: 'bench',
    })
  await record('policy cache set (upsert)', 2_000 * scale, 1, set)
  await record('policy lookup, cache hit', 5_000 * scale, 1, (i) => store.policy.lookup(hash(i % (2_000 * scale)), 1))
  await record('policy lookup, miss', 5_000 * scale, 1, (i) => store.policy.lookup(hash(10_000_000 + i), 1))
  await record('audit append', 1_000 * scale, 1, (i) => store.audit.append(entry(i)))
  // Concurrent appends (as a busy `/check` produces): the store groups queued appends into one
  // transaction (group commit). PGlite has one connection, but its appends still queue.
  await record('audit append', 1_000 * scale, 8, (i) => store.audit.append(entry(i)))
  await record('audit append', 4_000 * scale, 64, (i) => store.audit.append(entry(i)))
  if (store.capabilities.concurrentConnections) {
    await record('policy lookup, cache hit', 10_000 * scale, 8, (i) => store.policy.lookup(hash(i % (2_000 * scale)), 1))
  }
  const verified = await store.audit.verify()
  if (!verified.ok) throw new Error(`bench chain does not verify: ${verified.failure.reason}`)
  return rows
}

/** The same 64-in-flight appends with one entry per transaction (`maxAppendBatch: 1`, the behaviour before group commit). */
async function benchUngrouped(backend: string, store: Store, scale: number): Promise<Row> {
  await store.migrate()
  const op = (i: number) => store.audit.append(entry(i))
  await measure(50, 64, op)
  const n = 1_000 * scale
  return { backend, operation: 'audit append, one entry per transaction (before group commit)', ops: n, concurrency: 64, seconds: await measure(n, 64, op) }
}

async function withPostgres<T>(baseUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `permit0_bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  try {
    return await fn(url.toString())
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

/**
 * The per-entry CPU work of an append without the database: body JSON, RFC 8785 + SHA-256 (the
 * entry hash) and the ed25519 signature, each timed on its own over `n` entries.
 */
function cpuRows(n: number): Row[] {
  const signer = createAuditSigner(randomBytes(32))
  const bodies = Array.from({ length: n }, (_, i) => ({
    ...auditBodyJson({ ...entry(i), entryId: `01J${String(i).padStart(23, '0')}`, timestampMs: 1_700_000_000_000 + i }),
    sequence: i + 1,
    prev_hash: hash(i),
    key_id: signer.keyId,
  }))
  const time = (fn: (i: number) => unknown): number => {
    for (let i = 0; i < Math.min(n, 500); i++) fn(i)
    const start = performance.now()
    for (let i = 0; i < n; i++) fn(i)
    return (performance.now() - start) / 1000
  }
  const hashes = bodies.map((b) => computeEntryHash(b))
  return [
    { backend: 'CPU only', operation: 'entry hash (JCS + SHA-256)', ops: n, concurrency: 1, seconds: time((i) => computeEntryHash(bodies[i]!)) },
    { backend: 'CPU only', operation: 'ed25519 signature', ops: n, concurrency: 1, seconds: time((i) => signer.sign(hashes[i]!)) },
  ]
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| backend | operation | in flight | ops | ops/s | mean per op |',
    '|---|---|---:|---:|---:|---:|',
  ]
  for (const r of rows) {
    const perSecond = r.ops / r.seconds
    lines.push(
      `| ${r.backend} | ${r.operation} | ${r.concurrency} | ${r.ops} | ${Math.round(perSecond).toLocaleString('en-US')} | ${((r.seconds * 1e6) / r.ops).toFixed(0)} µs |`,
    )
  }
  return lines.join('\n')
}

export const storeBench: BenchModule = {
  id: 'store',
  async run() {
    const scale = Number(process.env.PERMIT0_BENCH_SCALE ?? '1')
    const rows: Row[] = cpuRows(5_000 * scale)
    const embedded = createStore({ kind: 'embedded' })
    try {
      rows.push(...(await benchStore('PGlite (in-memory)', embedded, scale)))
    } finally {
      await embedded.close()
    }
    const ungrouped = createStore({ kind: 'embedded', audit: { maxAppendBatch: 1 } })
    try {
      rows.push(await benchUngrouped('PGlite (in-memory)', ungrouped, scale))
    } finally {
      await ungrouped.close()
    }
    const pgUrl = process.env.PERMIT0_BENCH_DATABASE_URL || process.env.PERMIT0_TEST_DATABASE_URL
    if (pgUrl) {
      await withPostgres(pgUrl, async (url) => {
        const store = createStore({ kind: 'postgres', url })
        try {
          rows.push(...(await benchStore('PostgreSQL 127.0.0.1', store, scale)))
        } finally {
          await store.close()
        }
        const single = createStore({ kind: 'postgres', url, audit: { maxAppendBatch: 1 } })
        try {
          rows.push(await benchUngrouped('PostgreSQL 127.0.0.1', single, scale))
        } finally {
          await single.close()
        }
      })
    }
    const notes = [
      'Each row: sequential (1 in flight) or concurrent calls through the public `Store` API after a warm-up.',
      '`policy lookup` is the engine’s one-round-trip read (denylist + allowlist + fresh cache row); on',
      'PostgreSQL it runs as a named prepared statement (planned once per connection).',
      '`audit append` includes RFC 8785 canonicalisation and SHA-256 per entry, one ed25519 signature per',
      'batch (on its last entry, docs/audit.md §3) and the transaction that locks the chain-head row. Appends in',
      'flight together are group-committed: one transaction (head locked once, one multi-row insert, one',
      'signature) per batch of ≤ 128 queued entries, each caller answered after COMMIT. The "before group commit"',
      'rows force one entry per transaction (so one signature per entry, as before batch signatures) in the same run.',
      '`CPU only` rows: the per-entry work without a database (what bounds a batch once round trips are shared).',
      'The machine is shared: compare rows measured together, and read the load average below.',
      pgUrl ? '' : 'PostgreSQL rows are missing: set `PERMIT0_BENCH_DATABASE_URL` (or `PERMIT0_TEST_DATABASE_URL`).',
    ]
    return { id: 'store', title: 'Store (policy cache, audit log)', markdown: `${notes.filter(Boolean).join('\n')}\n\n${table(rows)}` }
  },
}
