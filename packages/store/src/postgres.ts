import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { describeCause, redactUrl, StoreError, StoreErrorCode } from './errors.ts'
import { createKyselyStore } from './kysely-store.ts'
import type { Database } from './schema.ts'
import type { Store, StoreConfig } from './store.ts'

const CONNECT_TIMEOUT_MS = 10_000

function createPool(url: string, size: number): pg.Pool {
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
  const size = config.poolSize ?? 10
  const pool = createPool(config.url, size)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const auditDb =
    config.auditUrl === undefined || config.auditUrl === config.url
      ? db
      : new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(config.auditUrl, size) }) })

  const listeners = new Map<string, Set<(payload: string) => void>>()
  let listenClient: Promise<pg.Client> | undefined

  const connectListener = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: config.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
    client.on('error', () => {
      listenClient = undefined
    })
    client.on('notification', (message) => {
      for (const listener of listeners.get(message.channel) ?? []) listener(message.payload ?? '')
    })
    await client.connect()
    return client
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
      (await pool.query<R & pg.QueryResultRow>({ name, text, values: [...values] })).rows,
    ...(config.audit === undefined ? {} : { audit: config.audit }),
    ...(config.clock === undefined ? {} : { clock: config.clock }),
    listen: async (channel, onPayload) => {
      listenClient ??= connectListener().catch((err: unknown) => {
        listenClient = undefined
        throw err
      })
      const client = await listenClient
      let set = listeners.get(channel)
      if (set === undefined) {
        set = new Set()
        listeners.set(channel, set)
        await client.query(`LISTEN ${pg.Client.prototype.escapeIdentifier(channel)}`)
      }
      set.add(onPayload)
      return async () => {
        set.delete(onPayload)
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
      const pending = listenClient
      listenClient = undefined
      listeners.clear()
      if (pending) await (await pending.catch(() => undefined))?.end().catch(() => {})
    },
  })
}
