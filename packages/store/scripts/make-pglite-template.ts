/**
 * Writes `assets/pglite-<version>-pgdata.tar.gz`: a pristine cluster made by the installed PGlite's
 * initdb (no permit0 schema: migrations run as usual). Run after upgrading PGlite:
 * `pnpm --filter @permit0/store exec tsx scripts/make-pglite-template.ts`.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pgliteTemplatePath } from '../src/pglite-options.ts'

const path = pgliteTemplatePath()
const pg = await PGlite.create()
await pg.exec('CHECKPOINT')
const tarball = Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer())
await pg.close()
mkdirSync(dirname(path), { recursive: true })
for (const old of readdirSync(dirname(path))) if (/^pglite-.*-pgdata\.tar\.gz$/.test(old)) rmSync(`${dirname(path)}/${old}`)
writeFileSync(path, tarball)
process.stdout.write(`${path}: ${tarball.length} bytes\n`)
