import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import type { PGliteOptions } from '@electric-sql/pglite'
import type * as Tar from 'tar'

/**
 * How the embedded store starts PGlite (measured in docs/benchmarks.md, "Daemon footprint"):
 *
 * - `startParams`: PGlite's own defaults (single-user backend, no background workers, synchronous
 *   I/O) plus smaller memory settings. PostgreSQL's defaults size `shared_buffers` at 128 MB, which
 *   PGlite's WASM heap touches and never gives back; 16 MB holds permit0's working set (policy
 *   tables, the audit index pages that appends touch). Durability is unchanged: `-F` (no fsync) is
 *   PGlite's default — a committed transaction is in the files (the OS page cache) before the
 *   query returns, which is what survives a `kill -9` of the daemon (the crash tests); fsync to the
 *   disk was never done by PGlite and is not by us.
 * - `loadDataDir`: a new data directory (or an in-memory store) starts from a cluster shipped with
 *   the store (`assets/`, made by `scripts/make-pglite-template.ts`: this PGlite version's initdb
 *   plus the migrations of the time, recorded in `kysely_migration`, so `migrate()` applies only
 *   newer ones) instead of running initdb in a second WASM instance (seconds, and hundreds of MB
 *   the process keeps). Absent for another PGlite version → initdb and every migration, as before.
 */
export const PGLITE_START_PARAMS: readonly string[] = [
  '--single',
  '-F',
  '-O',
  '-j',
  '-c', 'search_path=public',
  // The embedded dialect writes values as quoted literals: a backslash must stay an ordinary character.
  '-c', 'standard_conforming_strings=on',
  '-c', 'exit_on_error=false',
  '-c', 'log_checkpoints=false',
  '-c', 'max_worker_processes=0',
  '-c', 'max_parallel_workers=0',
  '-c', 'max_parallel_workers_per_gather=0',
  '-c', 'max_parallel_maintenance_workers=0',
  '-c', 'io_method=sync',
  '-c', 'shared_buffers=16MB',
  '-c', 'wal_buffers=512kB',
  '-c', 'work_mem=2MB',
  '-c', 'maintenance_work_mem=8MB',
  '-c', 'temp_buffers=1MB',
]

/** The installed PGlite's `dist` directory (its entry module's). */
function pgliteDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'))
}

/** The installed PGlite version (its package.json), keying the template. */
export function pgliteVersion(): string {
  let dir = pgliteDistDir()
  for (let i = 0; i < 4; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === '@electric-sql/pglite' && typeof pkg.version === 'string') return pkg.version
    }
    dir = dirname(dir)
  }
  return 'unknown'
}

/**
 * Where the pristine-cluster template of `version` lives: `assets/` of this package (beside `src/`
 * or `dist/`), or `assets/` beside the module when the store is bundled into another package's
 * build (`@permit0/cli` copies it into its `dist/assets/`). The first that exists; else the first.
 */
export function pgliteTemplatePath(version: string = pgliteVersion()): string {
  const name = `pglite-${version}-pgdata.tar.gz`
  const candidates = [new URL(`../assets/${name}`, import.meta.url), new URL(`./assets/${name}`, import.meta.url)].map((u) => fileURLToPath(u))
  return candidates.find((p) => existsSync(p)) ?? (candidates[0] as string)
}

let templateBytes: Uint8Array | null | undefined

/** The template of the installed PGlite, or undefined (then PGlite runs initdb). Read once. */
function template(): Uint8Array | undefined {
  if (templateBytes === undefined) {
    const path = pgliteTemplatePath()
    templateBytes = existsSync(path) ? new Uint8Array(readFileSync(path)) : null
  }
  return templateBytes ?? undefined
}

/** Where PGlite keeps its files inside a data directory. */
export const PGLITE_SUBDIR = 'pgdata'

/** node-tar, loaded when a template is unpacked (a start on an existing cluster never loads it). */
const requireHere = createRequire(import.meta.url)

/**
 * Writes the template cluster into `pgdata` (absent or empty) from the tarball on disk, streaming,
 * and returns whether it did (false: no template for this PGlite, or `pgdata` is not empty; then
 * PGlite makes the cluster as before). PGlite's own `loadDataDir` unpacks the archive in memory,
 * and the process kept that memory (~70 MB of RSS) for its lifetime. The cluster is unpacked
 * beside `pgdata` and renamed into place, so a crash mid-way leaves no half cluster, and two
 * processes unpacking at once leave one cluster. Throws when the archive is damaged.
 */
export function unpackTemplate(pgdata: string): boolean {
  const path = pgliteTemplatePath()
  if (!existsSync(path)) return false
  const tmp = `${pgdata}.${process.pid}.unpacking`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true, mode: 0o700 })
  try {
    const problems: string[] = []
    const { extract } = requireHere('tar') as typeof Tar
    extract({
      file: path,
      cwd: tmp,
      sync: true,
      preserveOwner: false,
      maxReadSize: 64 * 1024,
      // The archive's names are absolute (`/base/…`, as PGlite dumps them): stripping the leading
      // `/` is the one expected note; anything else means a damaged template.
      onwarn: (code, message) => {
        if (code !== 'TAR_ENTRY_INFO') problems.push(`${code}: ${String(message)}`)
      },
    })
    if (problems.length > 0 || !existsSync(join(tmp, 'PG_VERSION'))) {
      throw new Error(`the PGlite template ${path} is damaged: ${problems.join('; ') || 'no PG_VERSION'}`)
    }
    try {
      renameSync(tmp, pgdata)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') return false
      throw err
    }
    return true
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** A compiled WebAssembly module, as PGlite's options name it (no `WebAssembly` type library needed). */
type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>

let baselineModule: WasmModule | undefined

/** The WebAssembly API (a global of every Node; this package's type libraries name only its types). */
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => WasmModule } }).WebAssembly

/**
 * PGlite's WASM (9 MB of PostgreSQL) compiled for V8's baseline tier only (Liftoff), once per
 * process. V8 otherwise recompiles every hot function with its optimising compiler (TurboFan) in
 * the background: measured here, that keeps ~55 MB more resident for the life of the process and
 * burns a core during start-up, while queries were no faster (PostgreSQL's time goes to many
 * short calls, not tight loops). `--liftoff-only` is set only around the synchronous start of
 * this one compilation (V8 fixes a module's tiers when its compilation starts), so the WASM
 * parsers and everything else keep tiering up. A process started with `--liftoff-only` keeps it.
 */
export function pgliteBaselineModule(): WasmModule {
  if (baselineModule !== undefined) return baselineModule
  const bytes = readFileSync(join(pgliteDistDir(), 'pglite.wasm'))
  const inherited = process.execArgv.includes('--liftoff-only')
  setFlagsFromString('--liftoff-only')
  try {
    const compiled = new wasm.Module(bytes)
    baselineModule = compiled
    return compiled
  } finally {
    if (!inherited) setFlagsFromString('--no-liftoff-only')
  }
}

/**
 * PGlite options for a data directory (`undefined` = in memory). `fresh`: no cluster there yet
 * (no `PG_VERSION`), so it may start from the template.
 */
export function pgliteOptions(fresh: boolean): PGliteOptions {
  const bytes = fresh ? template() : undefined
  return {
    startParams: [...PGLITE_START_PARAMS],
    pgliteWasmModule: pgliteBaselineModule(),
    ...(bytes === undefined ? {} : { loadDataDir: new Blob([bytes], { type: 'application/gzip' }) }),
  }
}
