import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { threadId, Worker } from 'node:worker_threads'
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

/** tar's warnings, `[code, message]`. */
type TarWarnings = Array<[string, string]>

/** How the template is extracted, in this thread or a worker (streaming, 64 kB reads, no chown). */
const TEMPLATE_EXTRACT = { sync: true, preserveOwner: false, maxReadSize: 64 * 1024 } as const

/** node-tar, loaded when a template is unpacked (a start on an existing cluster never loads it). */
const requireHere = createRequire(import.meta.url)

function extractHere(file: string, cwd: string): TarWarnings {
  const { extract } = requireHere('tar') as typeof Tar
  const warnings: TarWarnings = []
  extract({ file, cwd, ...TEMPLATE_EXTRACT, onwarn: (code, message) => warnings.push([code, String(message)]) })
  return warnings
}

/** The same extraction in a worker thread (CommonJS source: a worker cannot load this module's TypeScript in tests). */
const EXTRACT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const warnings = []
try {
  require(workerData.tar).extract({ ...workerData.options, onwarn: (code, message) => warnings.push([code, String(message)]) })
  parentPort.postMessage({ warnings })
} catch (err) {
  parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) })
}
`

function extractInWorker(file: string, cwd: string): Promise<TarWarnings> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(EXTRACT_WORKER, {
      eval: true,
      workerData: { tar: requireHere.resolve('tar'), options: { file, cwd, ...TEMPLATE_EXTRACT } },
    })
    worker.once('message', (m: { warnings?: TarWarnings; error?: string }) => (m.error === undefined ? resolve(m.warnings ?? []) : reject(new Error(m.error))))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the template worker exited (${code}) before answering`)))
  })
}

/**
 * Writes the template cluster into `pgdata` (absent or empty) from the tarball on disk, streaming,
 * and returns whether it did (false: no template for this PGlite, or `pgdata` is not empty; then
 * PGlite makes the cluster as before). PGlite's own `loadDataDir` unpacks the archive in memory,
 * and the process kept that memory (~70 MB of RSS) for its lifetime. The cluster is unpacked
 * beside `pgdata` and renamed into place, so a crash mid-way leaves no half cluster, and two
 * processes unpacking at once leave one cluster. Throws when the archive is damaged.
 */
export function unpackTemplate(pgdata: string): boolean {
  const job = beginUnpack(pgdata)
  if (job === undefined) return false
  try {
    return finishUnpack(job, pgdata, extractHere(job.path, job.tmp))
  } finally {
    rmSync(job.tmp, { recursive: true, force: true })
  }
}

/**
 * `serve` on a new data directory: unpacks the template into `<dataDir>/pgdata` in a worker
 * thread while the caller goes on loading its modules and packs (the unpack's ≈ 0.1–0.2 s of file
 * writes then overlap them on the second core). Resolves once the cluster is in place, or at once
 * when there is already one or no template; never rejects — on any failure the store's own open
 * unpacks again in its thread (`unpackTemplate`) and reports what is wrong.
 */
export async function prepareEmbeddedDataDir(dataDir: string): Promise<void> {
  const pgdata = join(dataDir, PGLITE_SUBDIR)
  if (existsSync(join(pgdata, 'PG_VERSION'))) return
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const job = beginUnpack(pgdata)
    if (job === undefined) return
    try {
      finishUnpack(job, pgdata, await extractInWorker(job.path, job.tmp))
    } finally {
      rmSync(job.tmp, { recursive: true, force: true })
    }
  } catch {
    // the store's open tries again, in its own thread, and names the problem
  }
}

interface UnpackJob {
  readonly path: string
  readonly tmp: string
}

function beginUnpack(pgdata: string): UnpackJob | undefined {
  const path = pgliteTemplatePath()
  if (!existsSync(path)) return undefined
  const tmp = `${pgdata}.${process.pid}.${threadId}.unpacking`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true, mode: 0o700 })
  return { path, tmp }
}

function finishUnpack(job: UnpackJob, pgdata: string, warnings: TarWarnings): boolean {
  // The archive's names are absolute (`/base/…`, as PGlite dumps them): stripping the leading `/`
  // is the one expected note; anything else means a damaged template.
  const problems = warnings.filter(([code]) => code !== 'TAR_ENTRY_INFO').map(([code, message]) => `${code}: ${message}`)
  if (problems.length > 0 || !existsSync(join(job.tmp, 'PG_VERSION'))) {
    throw new Error(`the PGlite template ${job.path} is damaged: ${problems.join('; ') || 'no PG_VERSION'}`)
  }
  try {
    renameSync(job.tmp, pgdata)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') return false
    throw err
  }
  return true
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
