/**
 * The only code that reads pack files from disk, and where the packs come from.
 *
 * Packs come only from places the agent does not write (docs/security.md):
 * - explicit `--packs-dir` > `PERMIT0_PACKS_DIR`: that root alone (it replaces the defaults);
 * - otherwise the defaults, combined: the packs shipped with the CLI (`shippedPacksDir()`), then
 *   `~/.permit0/packs` as an overlay (a pack there replaces the shipped pack of the same
 *   directory, e.g. `claude-code/`; other packs are added), then the project's `./packs` **only**
 *   when `permit0 pack trust ./packs` pinned its content (it may only add packs, and a change
 *   since it was trusted refuses to load, fail closed, until trusted again).
 * An untrusted `./packs` is never read. Zero packs is an error for every caller (no policy, no pass).
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import {
  discoverPacks,
  loadPackSet,
  type LoadPackSetOptions,
  type LoadPackSetResult,
  type PackFile,
} from '@permit0/engine'
import { z } from 'zod'
import { cliPackageRoot } from '../package-root.ts'

export interface ResolvePacksDirOptions {
  /** `--packs-dir`; when given it must exist (an explicit path never silently falls through). */
  readonly flag?: string
  /** `PERMIT0_PACKS_DIR` (passed in by the caller; this module does not read env). */
  readonly env?: string
  readonly cwd?: string
  readonly home?: string
  /** The CLI's shipped packs; default `shippedPacksDir()`; `null` = none (tests). */
  readonly shippedDir?: string | null
}

export const PacksDirSource = {
  Flag: '--packs-dir',
  Env: 'PERMIT0_PACKS_DIR',
  Shipped: 'shipped',
  Home: '~/.permit0/packs',
  Trusted: 'trusted ./packs',
} as const
export type PacksDirSource = (typeof PacksDirSource)[keyof typeof PacksDirSource]

export interface PackRoot {
  readonly dir: string
  readonly source: PacksDirSource
}

export class PacksDirError extends Error {
  override readonly name = 'PacksDirError'
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

const realOrSelf = (p: string): string => {
  try {
    return realpathSync(p)
  } catch {
    return resolve(p)
  }
}

/**
 * The packs shipped with the CLI: `<@permit0/cli root>/packs` in the published package, else the
 * monorepo's top-level `packs/` (`<cli root>/../../packs`) when running from the repository.
 */
export function shippedPacksDir(): string | undefined {
  const root = cliPackageRoot()
  for (const candidate of [join(root, 'packs'), resolve(root, '..', '..', 'packs')]) {
    if (isDir(candidate)) return candidate
  }
  return undefined
}

/** `~/.permit0` — the user's permit0 config dir (trust records, hook config, user packs). */
export function permit0ConfigDir(home?: string): string {
  return join(home ?? homedir(), '.permit0')
}

/**
 * The packs roots, in load order. Explicit (`--packs-dir`, then `PERMIT0_PACKS_DIR`) → that root
 * alone. Else shipped + `~/.permit0/packs` + a trusted `./packs` (each when present). Throws
 * PacksDirError for a missing explicit dir or a trusted `./packs` whose content changed.
 */
export function resolvePackRoots(options: ResolvePacksDirOptions = {}): PackRoot[] {
  const cwd = options.cwd ?? process.cwd()
  if (options.flag !== undefined && options.flag !== '') {
    const dir = resolve(cwd, options.flag)
    if (!isDir(dir)) throw new PacksDirError(`--packs-dir ${options.flag}: not a directory`)
    return [{ dir, source: PacksDirSource.Flag }]
  }
  if (options.env !== undefined && options.env !== '') {
    const dir = resolve(cwd, options.env)
    if (!isDir(dir)) throw new PacksDirError(`PERMIT0_PACKS_DIR=${options.env}: not a directory`)
    return [{ dir, source: PacksDirSource.Env }]
  }
  const roots: PackRoot[] = []
  const seen = new Set<string>()
  const add = (dir: string | undefined, source: PacksDirSource): void => {
    if (dir === undefined || !isDir(dir)) return
    const real = realOrSelf(dir)
    if (seen.has(real)) return
    seen.add(real)
    roots.push({ dir, source })
  }
  add(options.shippedDir === null ? undefined : (options.shippedDir ?? shippedPacksDir()), PacksDirSource.Shipped)
  add(join(permit0ConfigDir(options.home), 'packs'), PacksDirSource.Home)
  const project = resolve(cwd, 'packs')
  const home = options.home !== undefined ? { home: options.home } : {}
  if ((isDir(project) || readTrustStore(home).dirs[realOrSelf(project)] !== undefined) && !seen.has(realOrSelf(project))) {
    const trust = checkTrust(project, home)
    if (trust.status === 'changed') {
      throw new PacksDirError(
        `${project} changed since it was trusted (${trust.detail}); refusing to load any packs until you review it and run ` +
          `\`permit0 pack trust ${project}\` again (or \`permit0 pack untrust ${project}\`)`,
      )
    }
    if (trust.status === 'trusted') add(project, PacksDirSource.Trusted)
  }
  return roots
}

const YAML_EXT = /\.ya?ml$/

function listDir(dir: string): { name: string; dir: boolean }[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.isFile())
    .map((e) => ({ name: e.name, dir: e.isDirectory() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The files of one pack that the engine reads, with paths relative to the pack dir. */
function packFiles(packDir: string, prefix: string): PackFile[] {
  const out: PackFile[] = []
  const read = (rel: string): void => {
    out.push({ path: prefix + rel, text: readFileSync(join(packDir, rel), 'utf8') })
  }
  for (const e of listDir(packDir)) {
    if (!e.dir && (e.name === 'pack.yaml' || e.name === 'pack.lock.yaml' || e.name === 'aliases.yaml')) read(e.name)
  }
  for (const sub of ['normalizers', 'risk_rules']) {
    const base = join(packDir, sub)
    if (!isDir(base)) continue
    for (const e of listDir(base)) {
      if (!e.dir && YAML_EXT.test(e.name)) read(`${sub}/${e.name}`)
      else if (e.dir && sub === 'normalizers') {
        for (const f of listDir(join(base, e.name))) {
          if (!f.dir && YAML_EXT.test(f.name)) read(`${sub}/${e.name}/${f.name}`)
        }
      }
    }
  }
  return out
}

/**
 * Reads every pack under a packs root (flat `<root>/<pack>/` and `<root>/<owner>/<pack>/`
 * layouts; names starting with `.` or `_` skipped; symlinked dirs not followed).
 */
export function readPacksDir(root: string): PackFile[] {
  const out: PackFile[] = []
  for (const e of listDir(root)) {
    if (!e.dir || e.name.startsWith('.') || e.name.startsWith('_')) continue
    const d = join(root, e.name)
    if (existsSync(join(d, 'pack.yaml'))) {
      out.push(...packFiles(d, `${e.name}/`))
      continue
    }
    for (const inner of listDir(d)) {
      if (!inner.dir || inner.name.startsWith('.') || inner.name.startsWith('_')) continue
      const pd = join(d, inner.name)
      if (existsSync(join(pd, 'pack.yaml'))) out.push(...packFiles(pd, `${e.name}/${inner.name}/`))
    }
  }
  return out
}

/** Reads a single pack directory; paths relative to it. */
export function readPackDir(packDir: string): PackFile[] {
  if (!isDir(packDir)) throw new PacksDirError(`pack directory not found: ${packDir}`)
  return packFiles(packDir, '')
}

/** The files of several roots merged into one packs root; `rootOf` names where a path came from. */
export interface PackRootFiles {
  readonly files: PackFile[]
  /** The root directory a merged file path was read from. */
  rootOf(path: string): string | undefined
}

/**
 * Reads the roots in order and merges them by pack directory (`claude-code`, `permit0/email`): a
 * `~/.permit0/packs` pack replaces the shipped one with the same directory; a trusted project pack
 * may only add (it never replaces a shipped or user pack: PacksDirError).
 */
export function readPackRoots(roots: readonly PackRoot[]): PackRootFiles {
  const byPack = new Map<string, { root: PackRoot; files: PackFile[] }>()
  for (const root of roots) {
    const files = readPacksDir(root.dir)
    const dirs = discoverPacks(files.map((f) => f.path))
    for (const dir of dirs) {
      const own = files.filter((f) => f.path.startsWith(`${dir}/`))
      const existing = byPack.get(dir)
      if (existing !== undefined && root.source === PacksDirSource.Trusted) {
        throw new PacksDirError(
          `${join(root.dir, dir)}: a project pack may not replace the ${existing.root.source} pack ${join(existing.root.dir, dir)} (rename its directory)`,
        )
      }
      byPack.set(dir, { root, files: own })
    }
  }
  const rootByPath = new Map<string, string>()
  const files: PackFile[] = []
  for (const { root, files: own } of byPack.values()) {
    for (const f of own) {
      files.push(f)
      rootByPath.set(f.path, root.dir)
    }
  }
  return {
    files,
    rootOf(path) {
      const direct = rootByPath.get(path)
      if (direct !== undefined) return direct
      for (const [dir, { root }] of byPack) if (path.startsWith(`${dir}/`)) return root.dir
      return undefined
    },
  }
}

/** One line naming where packs were looked for (for "no packs" errors). */
export function describePackRoots(roots: readonly PackRoot[], options: { home?: string } = {}): string {
  if (roots.length === 0) {
    return `no packs directory: the CLI's shipped packs are missing and ${join(permit0ConfigDir(options.home), 'packs')} does not exist (pass --packs-dir or set PERMIT0_PACKS_DIR)`
  }
  return roots.map((r) => `${r.dir} (${r.source})`).join(', ')
}

export interface LoadPacksFromDiskOptions extends ResolvePacksDirOptions, LoadPackSetOptions {}

export type LoadPacksFromDiskResult = LoadPackSetResult & {
  readonly roots: readonly PackRoot[]
  readonly files: readonly PackFile[]
  rootOf(path: string): string | undefined
}

/**
 * Resolves the packs roots, reads and loads them (the entry point for check/serve/hook/…). No
 * root or no pack at all is an error (`ok: false` with a `no_packs` issue): no policy, no pass.
 */
export function loadPacksFromDisk(options: LoadPacksFromDiskOptions = {}): LoadPacksFromDiskResult {
  const roots = resolvePackRoots(options)
  const { files, rootOf } = readPackRoots(roots)
  const { lockfile } = options
  const result = loadPackSet(files, lockfile === undefined ? {} : { lockfile })
  if (result.ok && result.packSet.packs.length === 0) {
    const where = describePackRoots(roots, options.home !== undefined ? { home: options.home } : {})
    return {
      ok: false,
      issues: [
        ...result.issues,
        { code: 'no_packs', severity: 'error', path: [], message: `no packs loaded from ${where}: refusing to decide without a policy` },
      ],
      roots,
      files,
      rootOf,
    }
  }
  return { ...result, roots, files, rootOf }
}

// ---------------------------------------------------------------------------------------------
// Trust: a project's packs directory is loaded only after `permit0 pack trust <dir>` pinned it.

export const TRUST_FILE = 'trusted-packs.json'

const TrustRecordSchema = z.object({
  /** SHA-256 over every file the engine reads from the dir (path NUL text NUL, sorted). */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  /** Path → SHA-256 of each file, to name what changed. */
  files: z.record(z.string(), z.string()),
  trusted_at: z.string(),
})
const TrustStoreSchema = z.object({ version: z.literal(1), dirs: z.record(z.string(), TrustRecordSchema) })
export type TrustStore = z.infer<typeof TrustStoreSchema>

export function trustFilePath(options: { home?: string } = {}): string {
  return join(permit0ConfigDir(options.home), TRUST_FILE)
}

/** The recorded trust (empty when the file does not exist; PacksDirError when it is corrupt). */
export function readTrustStore(options: { home?: string } = {}): TrustStore {
  const path = trustFilePath(options)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, dirs: {} }
    throw new PacksDirError(`${path}: ${(err as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new PacksDirError(`${path}: not JSON (${(err as Error).message}); fix or delete it and trust again`)
  }
  const parsed = TrustStoreSchema.safeParse(json)
  if (!parsed.success) throw new PacksDirError(`${path}: not a permit0 trust file; fix or delete it and trust again`)
  return parsed.data
}

const fileHash = (text: string): string => createHash('sha256').update(text).digest('hex')

/** The content pin of a packs dir: a digest over what the engine would read, and per-file hashes. */
export function pinPacksDir(dir: string): { digest: string; files: Record<string, string>; packCount: number } {
  const files = readPacksDir(dir).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const h = createHash('sha256')
  const hashes: Record<string, string> = {}
  for (const f of files) {
    h.update(f.path).update('\0').update(f.text).update('\0')
    hashes[f.path] = fileHash(f.text)
  }
  return { digest: h.digest('hex'), files: hashes, packCount: discoverPacks(files.map((f) => f.path)).length }
}

export type TrustStatus =
  | { readonly status: 'untrusted' }
  | { readonly status: 'trusted' }
  | { readonly status: 'changed'; readonly detail: string }

/** Whether `dir` is trusted and unchanged since. */
export function checkTrust(dir: string, options: { home?: string } = {}): TrustStatus {
  const record = readTrustStore(options).dirs[realOrSelf(dir)]
  if (record === undefined) return { status: 'untrusted' }
  if (!isDir(dir)) return { status: 'changed', detail: 'the directory is gone' }
  const now = pinPacksDir(dir)
  if (now.digest === record.digest) return { status: 'trusted' }
  const changes: string[] = []
  for (const [path, hash] of Object.entries(now.files)) {
    if (record.files[path] === undefined) changes.push(`added ${path}`)
    else if (record.files[path] !== hash) changes.push(`modified ${path}`)
  }
  for (const path of Object.keys(record.files)) if (now.files[path] === undefined) changes.push(`removed ${path}`)
  const shown = changes.slice(0, 5).join(', ')
  return { status: 'changed', detail: changes.length > 5 ? `${shown}, … ${changes.length - 5} more` : shown || 'content changed' }
}

function writeTrustStore(store: TrustStore, options: { home?: string }): string {
  const path = trustFilePath(options)
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 })
  renameSync(tmp, path)
  return path
}

/** Records `dir`'s current content as trusted; returns the record and the trust file path. */
export function trustPacksDir(
  dir: string,
  options: { home?: string; now?: () => Date } = {},
): { dir: string; digest: string; files: number; packs: number; path: string } {
  if (!isDir(dir)) throw new PacksDirError(`${dir}: not a directory`)
  const real = realOrSelf(dir)
  const pin = pinPacksDir(real)
  const store = readTrustStore(options)
  store.dirs[real] = { digest: pin.digest, files: pin.files, trusted_at: (options.now?.() ?? new Date()).toISOString() }
  const path = writeTrustStore(store, options)
  return { dir: real, digest: pin.digest, files: Object.keys(pin.files).length, packs: pin.packCount, path }
}

/** Forgets `dir`; returns whether it was trusted. */
export function untrustPacksDir(dir: string, options: { home?: string } = {}): boolean {
  const store = readTrustStore(options)
  const key = realOrSelf(dir)
  if (store.dirs[key] === undefined) return false
  delete store.dirs[key]
  writeTrustStore(store, options)
  return true
}
