import { Kysely, PostgresDialect } from 'kysely'
import { createRequire } from 'node:module'
import type PG from 'pg'
import { describeCause, redactUrl, StoreError, StoreErrorCode } from './errors.ts'
import { createKyselyStore } from './kysely-store.ts'
import type { Database } from './schema.ts'
import type { ChangeFeedStatus, Store, StoreConfig } from './store.ts'

const CONNECT_TIMEOUT_MS = 10_000
const RECONNECT_MIN_MS = 250
const RECONNECT_MAX_MS = 5_000

/** `pg`, loaded when a PostgreSQL store is made: an embedded store's start skips its ≈ 45 ms of module loading. */
const loadPg = (): typeof PG => createRequire(import.meta.url)('pg') as typeof PG

function createPool(pg: typeof PG, url: string, size: number): PG.Pool {
  const pool = new pg.Pool({ connectionString: url, max: size, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {})
  // Nor may a checked-out one (the database restarts mid-query): its query is rejected anyway,
  // but pg also emits 'error' on the client, which pg-pool does not listen to while it is out.
  pool.on('connect', (client) => client.on('error', () => {}))
  return pool
}

/**
 * PostgreSQL server through a `pg` pool (and a second pool when the audit log lives in another
 * database). LISTEN uses one dedicated client, opened on the first subscription.
 */
export function createPostgresStore(config: Extract<StoreConfig, { kind: 'postgres' }>): Store {
  const pg = loadPg()
  const size = config.poolSize ?? 10
  const pool = createPool(pg, config.url, size)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const auditDb =
    config.auditUrl === undefined || config.auditUrl === config.url
      ? db
      : new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(pg, config.auditUrl, size) }) })

  const listeners = new Map<string, Set<(payload: string) => void>>()
  const statusListeners = new Set<(status: ChangeFeedStatus) => void>()
  let listenClient: Promise<PG.Client> | undefined
  let connected: PG.Client | undefined
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined
  let shuttingDown = false

  const tell = (status: ChangeFeedStatus): void => {
    for (const listener of statusListeners) listener(status)
  }

  // The listening connection dropped: subscribers hear `lost` (notifications may be missed) and
  // the store reconnects with backoff, LISTENs again on every channel, then says `restored`.
  const dropped = (client: PG.Client): void => {
    if (shuttingDown || connected !== client) return
    connected = undefined
    listenClient = undefined
    tell('lost')
    scheduleReconnect(RECONNECT_MIN_MS)
  }

  const scheduleReconnect = (delayMs: number): void => {
    if (reconnectTimer !== undefined || shuttingDown || listeners.size === 0) return
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined
      ensureListener().then(
        () => tell('restored'),
        () => scheduleReconnect(Math.min(delayMs * 2, RECONNECT_MAX_MS)),
      )
    }, delayMs)
    reconnectTimer.unref?.()
  }

  const connectListener = async (): Promise<PG.Client> => {
    const client = new pg.Client({ connectionString: config.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
    client.on('error', () => dropped(client))
    client.on('end', () => dropped(client))
    client.on('notification', (message) => {
      for (const listener of listeners.get(message.channel) ?? []) listener(message.payload ?? '')
    })
    try {
      await client.connect()
      for (const channel of listeners.keys()) await client.query(`LISTEN ${pg.Client.prototype.escapeIdentifier(channel)}`)
    } catch (err) {
      await client.end().catch(() => {})
      throw err
    }
    connected = client
    return client
  }

  const ensureListener = (): Promise<PG.Client> => {
    listenClient ??= connectListener().catch((err: unknown) => {
      listenClient = undefined
      throw err
    })
    return listenClient
  }

  const location = redactUrl(config.url)
  return createKyselyStore({
    kind: 'postgres',
    location,
    db,
    auditDb,
    concurrentConnections: true,
    // pg prepares a named statement once per connection and reuses its plan (about half the
    // latency of the per-decision policy lookup). Needs session-level pooling in front of
    // PostgreSQL (a PgBouncer before 1.21 in transaction mode would not keep the statement).
    queryPrepared: async <R>(name: string, text: string, values: readonly unknown[]) =>
      (await pool.query<R & PG.QueryResultRow>({ name, text, values: [...values] })).rows,
    ...(config.audit === undefined ? {} : { audit: config.audit }),
    ...(config.clock === undefined ? {} : { clock: config.clock }),
    listen: async (channel, onPayload, onStatus) => {
      let set = listeners.get(channel)
      const fresh = set === undefined
      if (set === undefined) {
        set = new Set()
        listeners.set(channel, set)
      }
      set.add(onPayload)
      try {
        const client = await ensureListener()
        if (fresh) await client.query(`LISTEN ${pg.Client.prototype.escapeIdentifier(channel)}`)
      } catch (err) {
        set.delete(onPayload)
        if (set.size === 0) listeners.delete(channel)
        throw err
      }
      if (onStatus !== undefined) statusListeners.add(onStatus)
      return async () => {
        set.delete(onPayload)
        if (onStatus !== undefined) statusListeners.delete(onStatus)
      }
    },
    connectionError: (err) =>
      new StoreError(
        StoreErrorCode.ConnectionFailed,
        `cannot connect to PostgreSQL at ${location}: ${describeCause(err)}`,
        { url: location },
        { cause: err },
      ),
    onClose: async () => {
      shuttingDown = true
      clearTimeout(reconnectTimer)
      statusListeners.clear()
      const pending = listenClient
      listenClient = undefined
      listeners.clear()
      if (pending) await (await pending.catch(() => undefined))?.end().catch(() => {})
    },
  })
}
