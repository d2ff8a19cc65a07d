/**
 * Writes `assets/pglite-<version>-pgdata.tar.gz`: a cluster made by the installed PGlite's initdb
 * with permit0's migrations applied (a store opened on it finds them recorded in
 * `kysely_migration` and applies only newer ones). Run after upgrading PGlite or adding a migration:
 * `pnpm --filter @permit0/store exec tsx scripts/make-pglite-template.ts`.
 *
 * The cluster holds the `postgres` database alone: initdb's `template0` and `template1` are
 * dropped (permit0 never creates a database, PGlite connects to `postgres`), which takes two
 * thirds of the files a new data dir would write (≈ 14 MB, 600 files) out of its start.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, Migrator } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { migrationProvider } from '../src/migrations/index.ts'
import { PGLITE_START_PARAMS, pgliteTemplatePath } from '../src/pglite-options.ts'

const path = pgliteTemplatePath()
const pg = await PGlite.create({ startParams: [...PGLITE_START_PARAMS] })
for (const template of ['template0', 'template1']) {
  await pg.exec(`ALTER DATABASE ${template} IS_TEMPLATE false`)
  await pg.exec(`DROP DATABASE ${template}`)
}
const db = new Kysely<Record<string, never>>({ dialect: new PGliteDialect(pg) })
const migrated = await new Migrator({ db, provider: migrationProvider }).migrateToLatest()
if (migrated.error !== undefined) throw migrated.error
await pg.exec('CHECKPOINT')
const tarball = Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer())
await db.destroy()
mkdirSync(dirname(path), { recursive: true })
for (const old of readdirSync(dirname(path))) if (/^pglite-.*-pgdata\.tar\.gz$/.test(old)) rmSync(join(dirname(path), old))
writeFileSync(path, tarball)
process.stdout.write(`${path}: ${tarball.length} bytes, migrations ${(migrated.results ?? []).map((r) => r.migrationName).join(', ')}\n`)
