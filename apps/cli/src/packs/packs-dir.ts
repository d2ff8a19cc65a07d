/**
 * The only code that reads pack files from disk. Resolution order for the packs root:
 * `--packs-dir` > `PERMIT0_PACKS_DIR` > `./packs` > `~/.permit0/packs` (first that exists).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  loadPackSet,
  type LoadPackSetOptions,
  type LoadPackSetResult,
  type PackFile,
} from '@permit0/engine'

export interface ResolvePacksDirOptions {
  /** `--packs-dir`; when given it must exist (an explicit path never silently falls through). */
  readonly flag?: string
  /** `PERMIT0_PACKS_DIR` (passed in by the caller; this module does not read env). */
  readonly env?: string
  readonly cwd?: string
  readonly home?: string
}

export const PacksDirSource = {
  Flag: '--packs-dir',
  Env: 'PERMIT0_PACKS_DIR',
  Cwd: './packs',
  Home: '~/.permit0/packs',
} as const
export type PacksDirSource = (typeof PacksDirSource)[keyof typeof PacksDirSource]

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

/** The packs root, or `undefined` when no candidate exists (then no packs are loaded). */
export function resolvePacksDir(
  options: ResolvePacksDirOptions = {},
): { dir: string; source: PacksDirSource } | undefined {
  const cwd = options.cwd ?? process.cwd()
  if (options.flag !== undefined && options.flag !== '') {
    const dir = resolve(cwd, options.flag)
    if (!isDir(dir)) throw new PacksDirError(`--packs-dir ${options.flag}: not a directory`)
    return { dir, source: PacksDirSource.Flag }
  }
  if (options.env !== undefined && options.env !== '') {
    const dir = resolve(cwd, options.env)
    if (!isDir(dir)) throw new PacksDirError(`PERMIT0_PACKS_DIR=${options.env}: not a directory`)
    return { dir, source: PacksDirSource.Env }
  }
  const local = resolve(cwd, 'packs')
  if (isDir(local)) return { dir: local, source: PacksDirSource.Cwd }
  const home = join(options.home ?? homedir(), '.permit0', 'packs')
  if (isDir(home)) return { dir: home, source: PacksDirSource.Home }
  return undefined
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

export interface LoadPacksFromDiskOptions extends ResolvePacksDirOptions, LoadPackSetOptions {}

export type LoadPacksFromDiskResult = LoadPackSetResult & {
  /** The packs root used, or undefined when none exists (empty pack set). */
  readonly dir?: string
}

/** Resolves the packs root, reads it and loads it (the entry point for check/serve/hook/…). */
export function loadPacksFromDisk(options: LoadPacksFromDiskOptions = {}): LoadPacksFromDiskResult {
  const found = resolvePacksDir(options)
  const files = found ? readPacksDir(found.dir) : []
  const { lockfile } = options
  const result = loadPackSet(files, lockfile === undefined ? {} : { lockfile })
  return found ? { ...result, dir: found.dir } : result
}
