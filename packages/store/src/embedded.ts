import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import { EmbeddedDialect } from './embedded-dialect.ts'
import { describeCause, StoreError, StoreErrorCode } from './errors.ts'
import { createKyselyStore } from './kysely-store.ts'
import { acquireDataDirLock } from './lock-file.ts'
import { PGLITE_SUBDIR, pgliteOptions, unpackTemplate } from './pglite-options.ts'
import type { Database } from './schema.ts'
import type { Store, StoreConfig } from './store.ts'

/**
 * Embedded PGlite: in memory without `dataDir`, else persisted in `<dataDir>/pgdata` under
 * `<dataDir>/permit0.lock`. One connection: the dialect serializes every query and transaction.
 * Started with smaller memory settings and, when new, from a shipped pristine cluster
 * (`pglite-options.ts`).
 */
export function createEmbeddedStore(config: Extract<StoreConfig, { kind: 'embedded' }>): Store {
  const dir = config.dataDir === undefined ? undefined : resolve(config.dataDir)
  let release = () => {}
  if (dir !== undefined) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 })
    } catch (err) {
      throw new StoreError(StoreErrorCode.ConnectionFailed, `cannot create data directory ${dir}: ${describeCause(err)}`, { dir }, { cause: err })
    }
    release = acquireDataDirLock(dir)
  }
  let pglite: PGlite
  try {
    const pgdata = dir === undefined ? undefined : join(dir, PGLITE_SUBDIR)
    let fresh = pgdata === undefined || !existsSync(join(pgdata, 'PG_VERSION'))
    // A new data directory: the shipped cluster unpacked on disk (PGlite would unpack it in memory).
    if (fresh && pgdata !== undefined) {
      try {
        if (unpackTemplate(pgdata)) fresh = false
      } catch (err) {
        throw new StoreError(StoreErrorCode.ConnectionFailed, `cannot create the embedded database in ${pgdata}: ${describeCause(err)}`, { dir: pgdata }, { cause: err })
      }
    }
    pglite = new PGlite(pgdata, pgliteOptions(fresh))
  } catch (err) {
    release()
    throw err
  }
  const db = new Kysely<Database>({ dialect: new EmbeddedDialect(pglite) })
  const location = dir ?? 'memory'
  return createKyselyStore({
    kind: 'embedded',
    location,
    db,
    auditDb: db,
    concurrentConnections: false,
    ...(config.audit === undefined ? {} : { audit: config.audit }),
    ...(config.clock === undefined ? {} : { clock: config.clock }),
    listen: async (channel, onPayload) => {
      const unsubscribe = await pglite.listen(channel, onPayload)
      return async () => {
        if (!pglite.closed) await unsubscribe()
      }
    },
    connectionError: (err) =>
      new StoreError(StoreErrorCode.ConnectionFailed, `cannot open the embedded database in ${location}: ${describeCause(err)}`, { dir: location }, { cause: err }),
    onClose: async () => release(),
  })
}
