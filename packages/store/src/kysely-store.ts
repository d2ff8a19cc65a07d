import { createHash, randomBytes } from 'node:crypto'
import { setImmediate as yieldToIo } from 'node:timers/promises'
import type { DecisionSource, JsonObject, NormAction, Permission, PolicyLookup, RememberedDecision } from '@permit0/engine'
import { CompiledQuery, type Insertable, type Kysely, Migrator, type Selectable, sql } from 'kysely'
import { monotonicFactory } from 'ulid'
import { z } from 'zod'
import { type AuditSigner, createAuditSigner, generateAuditKey } from './audit-crypto.ts'
import {
  auditBodyJson,
  auditEntryFromJson,
  chainedAuditEntry,
  type AuditEntryJson,
  computeEntryHash,
  createRedactor,
  redactEntry,
  RiskJsonSchema,
  riskFromJson,
  riskToJson,
} from './audit-json.ts'
import { verifyAuditChain } from './audit-verify.ts'
import { createPooledPrng } from './ulid-prng.ts'
import { describeCause, StoreError, StoreErrorCode } from './errors.ts'
import { createLinkNonceRepository } from './link-nonces.ts'
import { createSessionRecordRepository } from './session-records.ts'
import { migrationProvider } from './migrations/index.ts'
import type { ApprovalsTable, Database } from './schema.ts'
import type {
  ApiToken,
  ApprovalRecord,
  ApprovalResolution,
  ApprovalStore,
  AuditEntry,
  AuditLog,
  AuditOptions,
  AuditPage,
  AuditQuery,
  AuditStats,
  ChangeFeed,
  ChangeFeedStatus,
  MigrationStatus,
  NewApproval,
  NewAuditEntry,
  PolicyListEntry,
  PolicyListKind,
  PolicyRepository,
  ReconcileResult,
  ResolveResult,
  StatsRepository,
  Store,
  StoreChange,
  StoredPolicyCacheEntry,
  StoredPolicyLookup,
  StoreHealth,
  TokenRepository,
  TokenRole,
} from './store.ts'

/** How long a PostgreSQL replica appends the locked way after its cached chain head was stale. */
export const OPTIMISTIC_BACKOFF_MS = 1_000
/** How often a locked append is tried when it collided with another replica's one-statement insert. */
const LOCKED_APPEND_ATTEMPTS = 5

/** A unique violation (23505) or a deadlock (40P01): another writer took the sequence first. */
const isWriteConflict = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code
  return code === '23505' || code === '40P01'
}

/** The NOTIFY channel that carries resolved approval ids. */
export const APPROVAL_CHANNEL = 'permit0_approval_resolved'
/**
 * The NOTIFY channel of the change feed (`StoreChange`): payload `p:<norm hash>` (list entry or
 * cached verdict written/removed), `t:<token name>` (revoked), `a:<approval id>` (created).
 */
export const CHANGE_CHANNEL = 'permit0_changes'

function parseChange(payload: string): StoreChange | undefined {
  const value = payload.slice(2)
  switch (payload.slice(0, 2)) {
    case 'p:':
      return { kind: 'policy', normHash: value }
    case 't:':
      return { kind: 'token', name: value }
    case 'a:':
      return { kind: 'approval_created', id: value }
    default:
      return undefined
  }
}
const FINGERPRINT_KEY = 'config_fingerprint'
const DEFAULT_PAGE = 100
/** Audit kinds that end a call parked for a person (counted in `AuditStats.humanCount`). */
const HUMAN_KINDS: ReadonlySet<string> = new Set(['human_decision', 'approval_expired', 'approval_abandoned'])
const MAX_PAGE = 1_000

/**
 * The engine's per-decision read, one round trip: denylist, allowlist and a fresh cache row of
 * `$1` (norm hash) at `$2` (now, ms) under fingerprint `$3` (null = any). Run as a named prepared
 * statement where the backend offers one (PostgreSQL: parse and plan once per connection).
 */
const POLICY_LOOKUP_STATEMENT = 'permit0_policy_lookup_v4'
/**
 * `$4` is the caller's session key ('' without one): a row for every call (`session_key = ''`) or
 * for that session answers; of two, a deny wins, then the session's own row. List rows bring
 * their origin (who listed the call, when, why); a cache row its human origin.
 */
const POLICY_LOOKUP_SQL = `select
    d.norm_hash is not null as denied, d.reason as deny_reason, d.created_by as deny_by, d.created_at_ms as deny_at,
    a.norm_hash is not null as allowed, a.reason as allow_reason, a.created_by as allow_by, a.created_at_ms as allow_at,
    c.permission, c.source, c.risk_json, c.expires_at_ms, c.reviewer, c.reason, c.decided_at_ms, c.approval_id
  from (values (1)) as one (x)
  left join policy_list d on d.list = 'deny' and d.norm_hash = $1
  left join policy_list a on a.list = 'allow' and a.norm_hash = $1
  left join lateral (
    select permission, source, risk_json, expires_at_ms, reviewer, reason, decided_at_ms, approval_id from policy_cache
    where norm_hash = $1 and session_key in ('', $4::text) and expires_at_ms > $2
      and ($3::text is null or fingerprint = $3)
    order by permission = 'deny' desc, session_key desc
    limit 1
  ) c on true`

interface PolicyLookupRow {
  readonly denied: boolean
  readonly deny_reason: string | null
  readonly deny_by: string | null
  readonly deny_at: string | number | null
  readonly allowed: boolean
  readonly allow_reason: string | null
  readonly allow_by: string | null
  readonly allow_at: string | number | null
  readonly permission: string | null
  readonly source: string | null
  readonly risk_json: string | null
  readonly expires_at_ms: string | number | null
  readonly reviewer: string | null
  readonly reason: string | null
  readonly decided_at_ms: string | number | null
  readonly approval_id: string | null
}

const listOrigin = (reason: string | null, by: string | null, at: string | number | null) =>
  by === null ? undefined : { reason: reason ?? '', createdBy: by, createdAtMs: at === null ? 0 : Number(at) }

/** What a backend preset (embedded / postgres) hands to the shared implementation. */
export interface KyselyStoreOptions {
  readonly kind: Store['kind']
  readonly location: string
  readonly db: Kysely<Database>
  /** The audit database; the same instance as `db` unless configured apart. */
  readonly auditDb: Kysely<Database>
  readonly concurrentConnections: boolean
  readonly audit?: AuditOptions
  readonly clock?: () => number
  /**
   * LISTEN on a channel; returns the unsubscribe function. `onStatus` hears when the
   * notification connection is lost and when it is back (notifications in between are lost).
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onStatus?: (status: ChangeFeedStatus) => void,
  ): Promise<() => Promise<void>>
  /**
   * Runs `text` as the named prepared statement `name` on the main database, when the backend
   * supports it (absent: plain queries through Kysely).
   */
  queryPrepared?<R>(name: string, text: string, values: readonly unknown[]): Promise<R[]>
  /** Turns a connection failure into the store's one-line error. */
  connectionError(err: unknown): StoreError
  /** Runs after both databases are closed (lock release, listener shutdown). */
  onClose?(): Promise<void>
}

/** The database went away (refused, reset, shut down, terminated): unavailable, not a bad query. */
function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (/^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)/.test(code) || code.startsWith('08') || /^57P0[123]$/.test(code))) {
    return true
  }
  return err instanceof Error && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err.message)
}

async function run<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof StoreError) throw err
    const code = isConnectionLoss(err) ? StoreErrorCode.ConnectionFailed : StoreErrorCode.QueryFailed
    throw new StoreError(code, `${what} failed: ${describeCause(err)}`, {}, { cause: err })
  }
}

const num = (value: string | number): number => Number(value)
const optional = <K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } =>
  (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

const PermissionSchema = z.enum(['allow', 'human', 'deny'])
const JsonObjectSchema = z.record(z.string(), z.json()) as unknown as z.ZodType<JsonObject>
const NormActionSchema = z.object({
  actionType: z.string(),
  domain: z.string(),
  verb: z.string(),
  channel: z.string(),
  parameters: JsonObjectSchema,
  execution: z.object({ surfaceTool: z.string(), surfaceCommand: z.string() }),
  normHash: z.string(),
})

function parseColumn<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new StoreError(StoreErrorCode.CorruptRow, `${where} holds invalid JSON`)
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new StoreError(StoreErrorCode.CorruptRow, `${where} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  }
  return parsed.data
}

const RememberScopeSchema = z.enum(['once', 'call', 'session'])

function rememberOf(row: Selectable<ApprovalsTable>, where: string): RememberedDecision | undefined {
  if (row.remember_scope === null) return undefined
  const scope = RememberScopeSchema.safeParse(row.remember_scope)
  if (!scope.success) throw new StoreError(StoreErrorCode.CorruptRow, `${where} has an unknown remember_scope`)
  return { scope: scope.data, ...optional('expiresAtMs', row.remember_until_ms === null ? null : num(row.remember_until_ms)) }
}

const parseRisk = (text: string | null, where: string) =>
  text === null ? undefined : riskFromJson(parseColumn(RiskJsonSchema, text, where))

export function createKyselyStore(options: KyselyStoreOptions): Store {
  const { db, auditDb } = options
  const clock = options.clock ?? Date.now
  const signer: AuditSigner = createAuditSigner(options.audit?.signingKey ?? generateAuditKey())
  const redact = createRedactor(options.audit?.redactKeys ?? [])
  const nextId = monotonicFactory(createPooledPrng())
  let currentFingerprint: string | undefined
  let keyRegistered = false
  let closed = false
  let closing = false

  const guardOpen = () => {
    if (closed) throw new StoreError(StoreErrorCode.Closed, 'the store is closed')
  }

  // ------------------------------------------------------------------------------------------
  // Policy cache and lists

  const listRow = (row: Selectable<Database['policy_list']>): PolicyListEntry => ({
    list: row.list as PolicyListKind,
    normHash: row.norm_hash,
    reason: row.reason,
    createdBy: row.created_by,
    createdAtMs: num(row.created_at_ms),
    ...optional('actionType', row.action_type),
  })

  const notify = (executor: Kysely<Database>, payload: string) =>
    sql`select pg_notify(${CHANGE_CHANNEL}, ${payload})`.execute(executor)

  const policy: PolicyRepository = {
    lookup: (normHash, nowMs, sessionKey) =>
      run('policy lookup', async (): Promise<StoredPolicyLookup> => {
        guardOpen()
        const values = [normHash, nowMs, currentFingerprint ?? null, sessionKey ?? '']
        const rows = options.queryPrepared
          ? await options.queryPrepared<PolicyLookupRow>(POLICY_LOOKUP_STATEMENT, POLICY_LOOKUP_SQL, values)
          : (await db.executeQuery<PolicyLookupRow>(CompiledQuery.raw(POLICY_LOOKUP_SQL, values))).rows
        const row = rows[0]
        const result: PolicyLookup = {
          denylisted: row?.denied === true,
          allowlisted: row?.allowed === true,
          ...(row?.denied === true && optional('denyEntry', listOrigin(row.deny_reason, row.deny_by, row.deny_at))),
          ...(row?.allowed === true && optional('allowEntry', listOrigin(row.allow_reason, row.allow_by, row.allow_at))),
        }
        if (!row || row.permission === null) return result
        const risk = parseRisk(row.risk_json, `policy_cache ${normHash}`)
        return {
          ...result,
          ...optional('cachedExpiresAtMs', row.expires_at_ms === null ? null : num(row.expires_at_ms)),
          cached: {
            permission: PermissionSchema.parse(row.permission),
            source: row.source as DecisionSource,
            ...optional('risk', risk),
            ...optional('reviewer', row.reviewer),
            ...optional('reason', row.reason),
            ...optional('decidedAtMs', row.decided_at_ms === null ? null : num(row.decided_at_ms)),
            ...optional('approvalId', row.approval_id),
          },
        }
      }),

    cacheSet: (entry: StoredPolicyCacheEntry) =>
      run('policy cache write', async () => {
        guardOpen()
        const values = {
          permission: entry.permission,
          source: entry.source,
          risk_json: entry.risk ? JSON.stringify(riskToJson(entry.risk)) : null,
          fingerprint: entry.fingerprint,
          created_at_ms: entry.createdAtMs,
          expires_at_ms: entry.expiresAtMs,
          reviewer: entry.reviewer ?? null,
          reason: entry.reason ?? null,
          decided_at_ms: entry.decidedAtMs ?? null,
          approval_id: entry.approvalId ?? null,
        }
        // One statement: the upsert and the change notification (sent at its COMMIT).
        await db
          .with('up', (qc) =>
            qc
              .insertInto('policy_cache')
              .values({ norm_hash: entry.normHash, session_key: entry.sessionKey ?? '', ...values })
              .onConflict((oc) => oc.columns(['norm_hash', 'session_key']).doUpdateSet(values))
              .returning('norm_hash'),
          )
          .selectFrom('up')
          .select(sql`pg_notify(${CHANGE_CHANNEL}, 'p:' || up.norm_hash)`.as('n'))
          .execute()
      }),

    reconcileCache: (fingerprint) =>
      run('policy cache reconcile', async (): Promise<ReconcileResult> => {
        guardOpen()
        const result = await db.transaction().execute(async (trx) => {
          const stored = await trx
            .selectFrom('policy_meta')
            .select('value')
            .where('key', '=', FINGERPRINT_KEY)
            .forUpdate()
            .executeTakeFirst()
          if (stored?.value === fingerprint) return { changed: false, cleared: 0 }
          const deleted = await trx.deleteFrom('policy_cache').executeTakeFirst()
          await trx
            .insertInto('policy_meta')
            .values({ key: FINGERPRINT_KEY, value: fingerprint })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value: fingerprint }))
            .execute()
          return { changed: true, cleared: Number(deleted.numDeletedRows) }
        })
        currentFingerprint = fingerprint
        return result
      }),

    listUpsert: (entry) =>
      run('list upsert', async () => {
        guardOpen()
        const values = {
          reason: entry.reason,
          created_by: entry.createdBy,
          created_at_ms: entry.createdAtMs,
          action_type: entry.actionType ?? null,
        }
        const row = await db.transaction().execute(async (trx) => {
          const saved = await trx
            .insertInto('policy_list')
            .values({ list: entry.list, norm_hash: entry.normHash, ...values })
            .onConflict((oc) => oc.columns(['list', 'norm_hash']).doUpdateSet(values))
            .returningAll()
            .executeTakeFirstOrThrow()
          await notify(trx, `p:${entry.normHash}`)
          return saved
        })
        return listRow(row)
      }),

    listDelete: (list, normHash) =>
      run('list delete', async () => {
        guardOpen()
        return db.transaction().execute(async (trx) => {
          const result = await trx
            .deleteFrom('policy_list')
            .where('list', '=', list)
            .where('norm_hash', '=', normHash)
            .executeTakeFirst()
          const removed = Number(result.numDeletedRows) > 0
          if (removed) await notify(trx, `p:${normHash}`)
          return removed
        })
      }),

    listEntries: (list) =>
      run('list read', async () => {
        guardOpen()
        let query = db.selectFrom('policy_list').selectAll()
        if (list !== undefined) query = query.where('list', '=', list)
        const rows = await query.orderBy('created_at_ms', 'desc').orderBy('norm_hash').execute()
        return rows.map(listRow)
      }),
  }

  // ------------------------------------------------------------------------------------------
  // Approvals

  const approvalRow = (row: Selectable<ApprovalsTable>): ApprovalRecord => {
    const where = `approval ${row.id}`
    const resolution: ApprovalResolution | undefined =
      row.status === 'pending' || row.resolved_at_ms === null
        ? undefined
        : {
            status: row.status as ApprovalResolution['status'],
            resolvedAtMs: num(row.resolved_at_ms),
            ...optional('permission', row.decided_permission === null ? null : PermissionSchema.parse(row.decided_permission)),
            ...optional('reviewer', row.reviewer),
            ...optional('reason', row.reason),
            ...optional('remember', rememberOf(row, where)),
          }
    return {
      id: row.id,
      kind: row.kind as NewApproval['kind'],
      status: row.status as ApprovalRecord['status'],
      action: parseColumn(NormActionSchema, row.action_json, where) as NormAction,
      toolName: row.tool_name,
      ...optional('risk', parseRisk(row.risk_json, where)),
      enginePermission: PermissionSchema.parse(row.engine_permission),
      engineSource: row.engine_source as DecisionSource,
      ...optional('sessionId', row.session_id),
      ...optional('taskGoal', row.task_goal),
      ...optional('context', row.context_json === null ? null : parseColumn(JsonObjectSchema, row.context_json, where)),
      createdAtMs: num(row.created_at_ms),
      expiresAtMs: num(row.expires_at_ms),
      replicaId: row.replica_id,
      ...optional('resolution', resolution),
    }
  }

  const approvals: ApprovalStore = {
    create: (a) =>
      run('approval create', async () => {
        guardOpen()
        try {
          await db.transaction().execute(async (trx) => {
            await trx
              .insertInto('approvals')
              .values({
                id: a.id,
                kind: a.kind,
                status: 'pending',
                norm_hash: a.action.normHash,
                action_type: a.action.actionType,
                action_json: JSON.stringify(a.action),
                tool_name: a.toolName,
                risk_json: a.risk ? JSON.stringify(riskToJson(a.risk)) : null,
                engine_permission: a.enginePermission,
                engine_source: a.engineSource,
                session_id: a.sessionId ?? null,
                task_goal: a.taskGoal ?? null,
                context_json: a.context ? JSON.stringify(a.context) : null,
                created_at_ms: a.createdAtMs,
                expires_at_ms: a.expiresAtMs,
                replica_id: a.replicaId,
              })
              .execute()
            await notify(trx, `a:${a.id}`)
          })
        } catch (err) {
          if ((err as { code?: string }).code === '23505') {
            throw new StoreError(StoreErrorCode.Conflict, `approval ${a.id} already exists`, { id: a.id })
          }
          throw err
        }
      }),

    get: (id) =>
      run('approval read', async () => {
        guardOpen()
        const row = await db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst()
        return row && approvalRow(row)
      }),

    listPending: () =>
      run('approval list', async () => {
        guardOpen()
        const rows = await db
          .selectFrom('approvals')
          .selectAll()
          .where('status', '=', 'pending')
          .orderBy('created_at_ms')
          .orderBy('id')
          .execute()
        return rows.map(approvalRow)
      }),

    countPending: () =>
      run('approval count', async () => {
        guardOpen()
        const row = await db
          .selectFrom('approvals')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow()
        return Number(row.n)
      }),

    resolve: (id, resolution) =>
      run('approval resolve', async (): Promise<ResolveResult> => {
        guardOpen()
        return db.transaction().execute(async (trx): Promise<ResolveResult> => {
          const updated = await trx
            .updateTable('approvals')
            .set({
              status: resolution.status,
              decided_permission: resolution.permission ?? null,
              reviewer: resolution.reviewer ?? null,
              reason: resolution.reason ?? null,
              resolved_at_ms: resolution.resolvedAtMs,
              remember_scope: resolution.remember?.scope ?? null,
              remember_until_ms: resolution.remember?.expiresAtMs ?? null,
            })
            .where('id', '=', id)
            .where('status', '=', 'pending')
            .returningAll()
            .executeTakeFirst()
          if (updated) {
            await sql`select pg_notify(${APPROVAL_CHANNEL}, ${id})`.execute(trx)
            return { outcome: 'resolved', record: approvalRow(updated) }
          }
          const existing = await trx.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst()
          return existing ? { outcome: 'conflict', record: approvalRow(existing) } : { outcome: 'not_found' }
        })
      }),

    onResolved: (listener) =>
      run('approval subscribe', async () => {
        guardOpen()
        return options.listen(APPROVAL_CHANNEL, listener)
      }),

    onCreated: (listener) =>
      run('approval subscribe', async () => {
        guardOpen()
        return options.listen(CHANGE_CHANNEL, (payload) => {
          if (payload.startsWith('a:')) listener(payload.slice(2))
        })
      }),

    expirePending: ({ nowMs, replicaId }) =>
      run('approval expiry', async () => {
        guardOpen()
        return db.transaction().execute(async (trx) => {
          const rows = await trx
            .updateTable('approvals')
            .set({ status: 'expired', resolved_at_ms: nowMs })
            .where('status', '=', 'pending')
            .where((eb) =>
              replicaId === undefined
                ? eb('expires_at_ms', '<=', nowMs)
                : eb.or([eb('expires_at_ms', '<=', nowMs), eb('replica_id', '=', replicaId)]),
            )
            .returningAll()
            .execute()
          for (const row of rows) await sql`select pg_notify(${APPROVAL_CHANNEL}, ${row.id})`.execute(trx)
          return rows.map(approvalRow).sort((a, b) => a.createdAtMs - b.createdAtMs)
        })
      }),
  }

  // ------------------------------------------------------------------------------------------
  // Audit log

  const registerKey = async () => {
    if (keyRegistered) return
    await auditDb
      .insertInto('audit_keys')
      .values({ key_id: signer.keyId, public_key: signer.publicKey, created_at_ms: clock() })
      .onConflict((oc) => oc.column('key_id').doNothing())
      .execute()
    keyRegistered = true
  }

  const parseStored = (text: string, where: string): AuditEntry => {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw new StoreError(StoreErrorCode.CorruptRow, `${where} holds invalid JSON`)
    }
    return auditEntryFromJson(value)
  }

  async function* exportEntries(opts: { fromSequence?: number; batchSize?: number } = {}): AsyncIterable<AuditEntry> {
    for await (const text of exportLines(opts)) yield parseStored(text, 'audit entry')
  }

  async function* exportLines(opts: { fromSequence?: number; batchSize?: number } = {}): AsyncIterable<string> {
    guardOpen()
    const batch = Math.max(1, Math.min(opts.batchSize ?? 500, 10_000))
    let after = (opts.fromSequence ?? 1) - 1
    for (;;) {
      const rows = await run('audit export', () =>
        auditDb
          .selectFrom('audit_entries')
          .select(['sequence', 'entry_json'])
          .where('sequence', '>', after)
          .orderBy('sequence')
          .limit(batch)
          .execute(),
      )
      for (const row of rows) yield row.entry_json
      if (rows.length < batch) return
      after = num(rows[rows.length - 1]!.sequence)
    }
  }

  // Group commit. Appends queue in call order; one drain loop writes the queue in transactions of
  // at most `maxBatch` entries: lock the chain head once, chain + hash + sign each entry in order,
  // one multi-row insert that also advances the head. A caller's promise settles after COMMIT (an
  // acknowledged entry is durable); a failed transaction rejects every caller of that batch and
  // leaves nothing behind. Each batch starts after one turn of the event loop (requests already
  // readable append first) and, while it runs, new appends gather for the next one: one append in
  // flight costs one loop turn more, many in flight share the round trips (the embedded store runs
  // its WASM database on this thread, so without the turn it would write batches of one).
  interface QueuedAppend {
    readonly body: AuditEntryJson
    readonly resolve: (entry: AuditEntry) => void
    readonly reject: (err: unknown) => void
  }
  const maxBatch = Math.max(1, Math.floor(options.audit?.maxAppendBatch ?? 128))
  let appendQueue: QueuedAppend[] = []
  let draining: Promise<void> | undefined

  async function drainAppends(): Promise<void> {
    try {
      while (appendQueue.length > 0) {
        // Let the event loop read the requests that are already waiting first (their appends
        // join this batch): one turn of latency, far fewer and larger transactions under load.
        await yieldToIo()
        const batch = appendQueue.length <= maxBatch ? appendQueue : appendQueue.slice(0, maxBatch)
        appendQueue = appendQueue.length <= maxBatch ? [] : appendQueue.slice(maxBatch)
        try {
          await run('audit append', async () => {
            guardOpen()
            await registerKey()
            await writeBatch(batch)
          })
        } catch (err) {
          for (const q of batch) q.reject(err)
        }
      }
    } finally {
      draining = undefined
    }
  }

  /**
   * The chain head as this store last wrote it. A batch chained after it needs one statement
   * instead of BEGIN / SELECT … FOR UPDATE / INSERT / COMMIT: the multi-row insert and the head
   * update are one atomic statement, and a stale head cannot fork the chain, because sequences are
   * dense and never reused — if any other writer appended since, the batch's first sequence exists
   * already (primary key) and the whole statement fails, writing nothing; the batch is then written
   * the locked way and the head re-read. The embedded store is the sole writer (one process per
   * data dir, or in memory), so its cached head is stale only after a failure. PostgreSQL replicas
   * share the chain: after such a conflict a replica writes the locked way for
   * `OPTIMISTIC_BACKOFF_MS` before trying its cached head again, so replicas appending in turn do not
   * pay a failed statement per batch.
   */
  const soleWriter = !options.concurrentConnections
  let knownHead: { readonly sequence: number; readonly hash: string } | undefined
  let optimisticAfterMs = 0

  interface Chained {
    readonly written: readonly { readonly q: QueuedAppend; readonly stored: AuditEntry }[]
    readonly refused: readonly { readonly q: QueuedAppend; readonly err: unknown }[]
    readonly rows: readonly Insertable<Database['audit_entries']>[]
    readonly head: { readonly sequence: number; readonly hash: string }
  }

  /**
   * Chains and hashes `batch` after `head` and signs its last entry once (marked `batch_end`, which
   * is hashed): the signature over that hash covers the whole batch through the chain. An entry that
   * cannot be hashed is refused alone and the rest is chained again without it.
   */
  function chainBatch(batch: readonly QueuedAppend[], head: { readonly sequence: number; readonly hash: string }): Chained {
    const refused: { readonly q: QueuedAppend; readonly err: unknown }[] = []
    let queue = batch
    for (;;) {
      const attempt = tryChain(queue, head)
      if (attempt.failed === undefined) return { ...attempt.chained, refused }
      const failed = attempt.failed
      refused.push({ q: queue[failed.at] as QueuedAppend, err: failed.err })
      queue = queue.filter((_, i) => i !== failed.at)
    }
  }

  function tryChain(
    queue: readonly QueuedAppend[],
    head: { readonly sequence: number; readonly hash: string },
  ): { chained: Omit<Chained, 'refused'>; failed?: undefined } | { failed: { at: number; err: unknown } } {
    let sequence = head.sequence
    let prevHash = head.hash
    const written: { readonly q: QueuedAppend; readonly stored: AuditEntry }[] = []
    const rows: Insertable<Database['audit_entries']>[] = []
    const last = queue.length - 1
    for (let i = 0; i <= last; i++) {
      const q = queue[i] as QueuedAppend
      const { entry_id, timestamp, ...rest } = q.body
      const json: AuditEntryJson = {
        entry_id: entry_id ?? null,
        timestamp: timestamp ?? null,
        sequence: sequence + 1,
        ...rest,
        prev_hash: prevHash,
        key_id: signer.keyId,
      }
      if (i === last) json.batch_end = true
      let stored: AuditEntry
      try {
        const entryHash = computeEntryHash(json)
        json.entry_hash = entryHash
        if (i === last) json.signature = signer.sign(entryHash)
        stored = chainedAuditEntry(json)
      } catch (err) {
        return { failed: { at: i, err } }
      }
      sequence += 1
      prevHash = stored.entryHash
      written.push({ q, stored })
      rows.push({
        sequence,
        entry_id: stored.entryId,
        timestamp_ms: stored.timestampMs,
        kind: stored.kind,
        action_type: stored.action.actionType,
        channel: stored.action.channel,
        decision: stored.decision,
        decision_source: stored.decisionSource,
        tier: stored.risk?.tier ?? null,
        session_id: stored.sessionId ?? null,
        approval_id: stored.approvalId ?? null,
        norm_hash: stored.action.normHash,
        prev_hash: stored.prevHash,
        entry_hash: stored.entryHash,
        key_id: signer.keyId,
        entry_json: JSON.stringify(json),
      })
    }
    return { chained: { written, rows, head: { sequence, hash: prevHash } } }
  }

  /** Multi-row insert + head update in one statement (a data-modifying CTE). */
  const insertChained = async (db: Kysely<Database>, chained: Chained): Promise<void> => {
    if (chained.rows.length === 0) return
    await db
      .with('inserted', (qb) => qb.insertInto('audit_entries').values([...chained.rows]).returning('sequence'))
      .updateTable('audit_head')
      .set({ sequence: chained.head.sequence, entry_hash: chained.head.hash })
      .where('id', '=', 1)
      .execute()
  }

  /** One atomic write for `batch`; settles each caller (entries that cannot be hashed reject alone). */
  async function writeBatch(batch: readonly QueuedAppend[]): Promise<void> {
    let done: Chained | undefined
    const cached = soleWriter || Date.now() >= optimisticAfterMs ? knownHead : undefined
    if (cached !== undefined) {
      const chained = chainBatch(batch, cached)
      try {
        await insertChained(auditDb, chained)
        done = chained
      } catch {
        // Nothing was written (one statement); re-read the head under the lock below. A real
        // failure (database gone) fails there too and rejects the batch.
        knownHead = undefined
        if (!soleWriter) optimisticAfterMs = Date.now() + OPTIMISTIC_BACKOFF_MS
      }
    }
    // Under the head lock. Another replica's one-statement insert (after its cached head) takes the
    // next sequence without the lock: this transaction then hits the primary key or a deadlock with
    // it, writes nothing, and is run again on the head that replica left.
    for (let attempt = 1; done === undefined; attempt += 1) {
      try {
        done = await auditDb.transaction().execute(async (trx) => {
          const head = await trx
            .selectFrom('audit_head')
            .select(['sequence', 'entry_hash'])
            .where('id', '=', 1)
            .forUpdate()
            .executeTakeFirstOrThrow()
          const chained = chainBatch(batch, { sequence: num(head.sequence), hash: head.entry_hash })
          await insertChained(trx, chained)
          return chained
        })
      } catch (err) {
        if (attempt >= LOCKED_APPEND_ATTEMPTS || !isWriteConflict(err)) throw err
      }
    }
    knownHead = done.head
    for (const { q, stored } of done.written) q.resolve(stored)
    for (const { q, err } of done.refused) {
      q.reject(err instanceof StoreError ? err : new StoreError(StoreErrorCode.InvalidInput, `audit append failed: ${describeCause(err)}`, {}, { cause: err }))
    }
  }

  const audit: AuditLog = {
    publicKey: signer.publicKey,
    keyId: signer.keyId,

    append: (input: NewAuditEntry) => {
      try {
        guardOpen()
        if (closing) throw new StoreError(StoreErrorCode.Closed, 'the store is closing')
        const entry = redactEntry(input, redact)
        const body = auditBodyJson({ ...entry, entryId: nextId(), timestampMs: entry.timestampMs ?? clock() })
        return new Promise<AuditEntry>((resolve, reject) => {
          appendQueue.push({ body, resolve, reject })
          if (draining === undefined) draining = drainAppends()
        })
      } catch (err) {
        return Promise.reject(err instanceof StoreError ? err : new StoreError(StoreErrorCode.InvalidInput, `audit append failed: ${describeCause(err)}`, {}, { cause: err }))
      }
    },

    list: (query: AuditQuery = {}) =>
      run('audit query', async (): Promise<AuditPage> => {
        guardOpen()
        const limit = Math.max(1, Math.min(query.limit ?? DEFAULT_PAGE, MAX_PAGE))
        let q = auditDb.selectFrom('audit_entries').select(['sequence', 'entry_json'])
        if (query.cursor !== undefined) {
          if (!/^[1-9][0-9]{0,15}$/.test(query.cursor)) {
            throw new StoreError(StoreErrorCode.InvalidInput, `invalid audit cursor ${JSON.stringify(query.cursor)}`)
          }
          q = q.where('sequence', '<', Number(query.cursor))
        }
        if (query.actionType) q = q.where(sql<boolean>`starts_with(action_type, ${query.actionType})`)
        if (query.decision === 'bypass') {
          q = q.where('decision', '=', 'human').where('decision_source', '=', 'UnknownFallback')
        } else if (query.decision === 'human') {
          q = q.where('decision', '=', 'human').where('decision_source', '<>', 'UnknownFallback')
        } else if (query.decision !== undefined) {
          q = q.where('decision', '=', query.decision)
        }
        if (query.decisionSource !== undefined) q = q.where('decision_source', '=', query.decisionSource)
        if (query.kind !== undefined) q = q.where('kind', '=', query.kind)
        if (query.sessionId !== undefined) q = q.where('session_id', '=', query.sessionId)
        if (query.approvalId !== undefined) q = q.where('approval_id', '=', query.approvalId)
        if (query.sinceMs !== undefined) q = q.where('timestamp_ms', '>=', query.sinceMs)
        if (query.untilMs !== undefined) q = q.where('timestamp_ms', '<=', query.untilMs)
        const rows = await q.orderBy('sequence', 'desc').limit(limit + 1).execute()
        const page = rows.slice(0, limit)
        const entries = page.map((row) => parseStored(row.entry_json, `audit entry ${row.sequence}`))
        const last = page[page.length - 1]
        return rows.length > limit && last ? { entries, nextCursor: String(num(last.sequence)) } : { entries }
      }),

    get: (entryId) =>
      run('audit read', async () => {
        guardOpen()
        const row = await auditDb
          .selectFrom('audit_entries')
          .select('entry_json')
          .where('entry_id', '=', entryId)
          .executeTakeFirst()
        return row && parseStored(row.entry_json, `audit entry ${entryId}`)
      }),

    export: exportEntries,
    exportLines,

    verify: (opts = {}) =>
      run('audit verify', async () => {
        guardOpen()
        const known = await auditDb.selectFrom('audit_keys').select('public_key').execute()
        const keys = [
          signer.publicKey,
          ...(options.audit?.trustedPublicKeys ?? []),
          ...(opts.publicKeys ?? []),
          ...known.map((k) => k.public_key),
        ]
        // The head row is read first: entries appended meanwhile only extend the chain past it. A
        // chain cut short in the database (its last batches deleted, which no signature can reveal
        // offline) no longer reaches the head.
        const head = await auditDb.selectFrom('audit_head').select(['sequence', 'entry_hash']).where('id', '=', 1).executeTakeFirstOrThrow()
        const headSequence = num(head.sequence)
        let atHead: string | undefined
        const parsed = async function* () {
          for await (const text of exportLines()) {
            const value = JSON.parse(text) as { sequence?: unknown; entry_hash?: unknown }
            if (value.sequence === headSequence) atHead = String(value.entry_hash)
            yield value
          }
        }
        const result = await verifyAuditChain(parsed(), keys)
        if (!result.ok || headSequence === 0 || atHead === head.entry_hash) return result
        return {
          ok: false,
          checked: result.checked,
          failure: {
            index: result.checked,
            sequence: headSequence,
            reason:
              atHead === undefined
                ? `the chain ends at entry ${result.lastSequence ?? 0} but the chain head records entry ${headSequence} (entries were deleted)`
                : `entry ${headSequence} differs from the chain head's hash`,
          },
        }
      }),

    head: () =>
      run('audit head', async () => {
        guardOpen()
        const row = await auditDb
          .selectFrom('audit_head')
          .select(['sequence', 'entry_hash'])
          .where('id', '=', 1)
          .executeTakeFirstOrThrow()
        return { sequence: num(row.sequence), entryHash: row.entry_hash }
      }),
  }

  // ------------------------------------------------------------------------------------------
  // API tokens

  const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex')
  const tokenRow = (row: Selectable<Database['api_tokens']>): ApiToken => ({
    name: row.name,
    role: row.role as TokenRole,
    createdAtMs: num(row.created_at_ms),
    ...optional('revokedAtMs', row.revoked_at_ms === null ? null : num(row.revoked_at_ms)),
  })

  const tokens: TokenRepository = {
    create: ({ name, role, nowMs }) =>
      run('token create', async () => {
        guardOpen()
        const secret = `p0_${randomBytes(32).toString('base64url')}`
        try {
          const row = await db
            .insertInto('api_tokens')
            .values({ name, role, secret_hash: hashSecret(secret), created_at_ms: nowMs })
            .returningAll()
            .executeTakeFirstOrThrow()
          return { token: tokenRow(row), secret }
        } catch (err) {
          if ((err as { code?: string }).code === '23505') {
            throw new StoreError(StoreErrorCode.Conflict, `an API token named ${JSON.stringify(name)} already exists`, { name })
          }
          throw err
        }
      }),
    list: () =>
      run('token list', async () => {
        guardOpen()
        const rows = await db.selectFrom('api_tokens').selectAll().orderBy('name').execute()
        return rows.map(tokenRow)
      }),
    revoke: (name, nowMs) =>
      run('token revoke', async () => {
        guardOpen()
        return db.transaction().execute(async (trx) => {
          const result = await trx
            .updateTable('api_tokens')
            .set({ revoked_at_ms: nowMs })
            .where('name', '=', name)
            .where('revoked_at_ms', 'is', null)
            .executeTakeFirst()
          const revoked = Number(result.numUpdatedRows) > 0
          if (revoked) await notify(trx, `t:${name}`)
          return revoked
        })
      }),
    verify: (secret) =>
      run('token verify', async () => {
        guardOpen()
        const row = await db
          .selectFrom('api_tokens')
          .select(['name', 'role'])
          .where('secret_hash', '=', hashSecret(secret))
          .where('revoked_at_ms', 'is', null)
          .executeTakeFirst()
        return row && { name: row.name, role: row.role as TokenRole }
      }),
  }

  // ------------------------------------------------------------------------------------------
  // Stats

  const stats: StatsRepository = {
    summary: (query = {}) =>
      run('stats query', async (): Promise<AuditStats> => {
        guardOpen()
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any query builder with Kysely's overloaded where()
        const range = <Q extends { where: (...args: any[]) => Q }>(q: Q): Q => {
          let out = q
          if (query.sinceMs !== undefined) out = out.where('timestamp_ms', '>=', query.sinceMs)
          if (query.untilMs !== undefined) out = out.where('timestamp_ms', '<=', query.untilMs)
          return out
        }
        const groups = await range(
          auditDb
            .selectFrom('audit_entries')
            .select((eb) => ['kind', 'decision', 'decision_source', 'tier', eb.fn.countAll<string | number>().as('n')]),
        )
          .groupBy(['kind', 'decision', 'decision_source', 'tier'])
          .execute()
        const minute = sql<string | number>`(timestamp_ms / 60000) * 60000`
        const minutes = await range(
          auditDb
            .selectFrom('audit_entries')
            .select((eb) => [minute.as('minute'), 'decision', eb.fn.countAll<string | number>().as('n')]),
        )
          .groupBy([minute, 'decision'])
          .orderBy(minute)
          .execute()

        const byPermission: Record<Permission, number> = { allow: 0, human: 0, deny: 0 }
        const bySource: Record<string, number> = {}
        const byTier: Record<string, number> = {}
        let total = 0
        let fallbackCount = 0
        let humanCount = 0
        for (const g of groups) {
          const n = Number(g.n)
          total += n
          byPermission[g.decision as Permission] = (byPermission[g.decision as Permission] ?? 0) + n
          bySource[g.decision_source] = (bySource[g.decision_source] ?? 0) + n
          if (g.tier !== null) byTier[g.tier] = (byTier[g.tier] ?? 0) + n
          if (g.decision === 'human' && g.decision_source === 'UnknownFallback') fallbackCount += n
          // Sent to a person: a parked call's end (decided, timed out, abandoned), or a `human`
          // verdict the host prompts for. A parked call has no `decision` entry, only its end.
          else if (HUMAN_KINDS.has(g.kind) || (g.kind === 'decision' && g.decision === 'human')) humanCount += n
        }
        const perMinute = new Map<number, { minuteMs: number; count: number; allow: number; human: number; deny: number }>()
        for (const m of minutes) {
          const minuteMs = Number(m.minute)
          const bucket = perMinute.get(minuteMs) ?? { minuteMs, count: 0, allow: 0, human: 0, deny: 0 }
          const n = Number(m.n)
          bucket.count += n
          bucket[m.decision as Permission] += n
          perMinute.set(minuteMs, bucket)
        }
        return {
          total,
          byPermission,
          humanCount,
          fallbackCount,
          bySource,
          byTier,
          perMinute: [...perMinute.values()],
        }
      }),
  }

  // ------------------------------------------------------------------------------------------
  // Change feed

  const changes: ChangeFeed = {
    subscribe: (listener, onStatus) =>
      run('change subscribe', async () => {
        guardOpen()
        return options.listen(
          CHANGE_CHANNEL,
          (payload) => {
            const change = parseChange(payload)
            if (change !== undefined) listener(change)
          },
          onStatus,
        )
      }),
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  const databases = auditDb === db ? [db] : [db, auditDb]

  const checkConnections = async () => {
    for (const database of databases) {
      try {
        await sql`select 1`.execute(database)
      } catch (err) {
        throw options.connectionError(err)
      }
    }
  }

  const status = async (database: Kysely<Database>): Promise<MigrationStatus> => {
    const all = await new Migrator({ db: database, provider: migrationProvider }).getMigrations()
    return {
      applied: all.filter((m) => m.executedAt !== undefined).map((m) => m.name),
      pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
    }
  }

  return {
    kind: options.kind,
    location: options.location,
    policy,
    approvals,
    audit,
    tokens,
    linkNonces: createLinkNonceRepository(db, { run, guardOpen }),
    sessions: createSessionRecordRepository(db, { run, guardOpen }),
    stats,
    changes,
    capabilities: { concurrentConnections: options.concurrentConnections },

    async migrate() {
      guardOpen()
      await checkConnections()
      for (const database of databases) {
        const result = await new Migrator({ db: database, provider: migrationProvider }).migrateToLatest()
        if (result.error !== undefined) {
          const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
          throw new StoreError(
            StoreErrorCode.MigrationFailed,
            `migration ${failed} failed on ${options.location}: ${describeCause(result.error)}; nothing was applied`,
            { migration: failed },
            { cause: result.error },
          )
        }
      }
      return status(db)
    },

    async migrationStatus() {
      guardOpen()
      await checkConnections()
      return run('migration status', () => status(db))
    },

    async health(): Promise<StoreHealth> {
      if (closed) return { ok: false, kind: options.kind, error: 'store closed' }
      try {
        await checkConnections()
        return { ok: true, kind: options.kind }
      } catch (err) {
        return { ok: false, kind: options.kind, error: describeCause(err) }
      }
    },

    async close() {
      if (closed) return
      // Queued appends are written (or rejected) before the connections go away; no new ones.
      closing = true
      while (draining !== undefined) await draining
      closed = true
      try {
        for (const database of databases) await database.destroy()
      } finally {
        await options.onClose?.()
      }
    },
  }
}
