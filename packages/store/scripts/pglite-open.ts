/**
 * Child process of `bench/daemon.bench.ts`: opens PGlite on `<dir>` with the options of one variant,
 * applies permit0's migrations, runs a few lookups, then prints one JSON line: time to migrated
 * and RSS at rest (after a full GC). `node --expose-gc --import tsx packages/store/scripts/pglite-open.ts <variant> <dir>`.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite, type PGliteOptions } from '@electric-sql/pglite'
import { Kysely, Migrator, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { migrationProvider } from '../src/migrations/index.ts'
import { pgliteOptions, unpackTemplate } from '../src/pglite-options.ts'

const [variant, dir] = process.argv.slice(2) as [string, string]
const t0 = performance.now()
let fresh = !existsSync(join(dir, 'PG_VERSION'))
// As the embedded store opens a new data dir: the shipped cluster unpacked on disk first.
if (variant !== 'defaults' && fresh && unpackTemplate(dir)) fresh = false
const options: PGliteOptions = variant === 'defaults' ? {} : pgliteOptions(fresh)
const pglite = new PGlite(dir, options)
await pglite.waitReady
const openMs = performance.now() - t0
const db = new Kysely<Record<string, never>>({ dialect: new PGliteDialect(pglite) })
const result = await new Migrator({ db, provider: migrationProvider }).migrateToLatest()
if (result.error !== undefined) throw result.error
const readyMs = performance.now() - t0
for (let i = 0; i < 200; i++) await sql`select count(*) from audit_entries where sequence > ${i}`.execute(db)
const gc = (globalThis as { gc?: () => void }).gc
gc?.()
await new Promise((r) => setTimeout(r, 1000))
gc?.()
await new Promise((r) => setTimeout(r, 200))
process.stdout.write(`${JSON.stringify({ openMs, readyMs, rssMb: process.memoryUsage().rss / 1_048_576 })}\n`)
await db.destroy()
