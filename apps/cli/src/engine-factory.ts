/**
 * Builds an engine from CLI options: packs dir, org domain, profile. Shared by check, calibrate,
 * gateway, serve and hook. The config fingerprint (policy-cache invalidation) is computed here:
 * SHA-256 over the scoring-model version, the profile bytes and every loaded pack file.
 */
import { createHash, hash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import {
  createEngine,
  loadPackSet,
  formatIssue,
  parseProfile,
  SCORING_MODEL_VERSION,
  type AgentReviewer,
  type Engine,
  type LockfilePolicy,
  type PackFile,
  type PackSet,
  type Profile,
  type ValidationIssue,
} from '@permit0/engine'
import {
  applyPackCache,
  applyPackSeed,
  countErrors,
  describePackRoots,
  formatIssueIn,
  readPackRoots,
  resolvePackRoots,
  readPackSeed,
  type PackCacheOptions,
  type PackRoot,
  type PackSeed,
} from './packs/index.ts'
import type { EngineCliOptions } from './engine-options.ts'

export { PACKS_DIR_HELP, withEngineOptions, type EngineCliOptions } from './engine-options.ts'

export interface EngineFactoryDeps {
  readonly cwd?: string
  /** `PERMIT0_PACKS_DIR`, passed in by the caller. */
  readonly packsDirEnv?: string
  /** Home directory (`~/.permit0/packs`, trust records); default `os.homedir()`. */
  readonly home?: string
  /** The CLI's shipped packs; default `shippedPacksDir()`; `null` = none (tests). */
  readonly shippedPacksDir?: string | null
  readonly lockfile?: LockfilePolicy
  readonly reviewer?: AgentReviewer
  readonly cacheTtlMs?: number
  /** Keep the packs' parsed YAML in an on-disk cache (`packs/pack-cache.ts`); the hook does. */
  readonly packCache?: PackCacheOptions
  /**
   * The shipped packs' parsed YAML written by the build (`packs/pack-seed.ts`); default the CLI's
   * own `dist/assets/pack-seed.json`; `null` = parse every file (tests of parsing itself).
   */
  readonly packSeed?: PackSeed | null
  /** Told why the pack cache was not used or not written (rebuilt, unwritable). */
  readonly onPackCacheNote?: (note: string) => void
}

export interface BuiltEngine {
  readonly engine: Engine
  /** The loaded packs (for read-only listings such as `GET /api/v1/packs`). */
  readonly packSet: PackSet
  /** The first packs root used (the shipped packs unless --packs-dir/PERMIT0_PACKS_DIR). */
  readonly packsDir?: string
  /** Every packs root loaded, in order (shipped, ~/.permit0/packs, a trusted ./packs; or the explicit one). */
  readonly packRoots: readonly PackRoot[]
  readonly profile?: Profile
  readonly profilePath?: string
  readonly fingerprint: string
  /** Non-fatal findings (pack and risk-rule warnings), rendered. */
  readonly warnings: readonly string[]
}

/** Configuration problems (unreadable profile, invalid packs): exit code 2 in every command. */
export class EngineConfigError extends Error {
  override readonly name = 'EngineConfigError'
}

/** Resolves `--profile`: an existing file, else `profiles/<name>.profile.yaml` under `cwd`. */
export function resolveProfilePath(nameOrPath: string, cwd: string): string {
  const direct = resolve(cwd, nameOrPath)
  if (existsSync(direct) && /\.ya?ml$/.test(direct)) return direct
  const named = resolve(cwd, 'profiles', `${nameOrPath}.profile.yaml`)
  if (existsSync(named)) return named
  throw new EngineConfigError(`--profile ${nameOrPath}: no such file (looked for ${direct} and ${named})`)
}

export function loadProfileFile(nameOrPath: string, cwd: string): { profile: Profile; path: string; text: string } {
  const path = resolveProfilePath(nameOrPath, cwd)
  const text = readFileSync(path, 'utf8')
  const parsed = parseProfile(text, basename(path).replace(/\.profile\.ya?ml$|\.ya?ml$/, ''))
  if (!parsed.ok) {
    const lines = parsed.issues.map((i) => formatIssue({ ...i, file: path }))
    throw new EngineConfigError(`invalid profile ${path}:\n${lines.join('\n')}`)
  }
  return { profile: parsed.profile, path, text }
}

/** Native SHA-256 for the engine's norm_hash (same hashes as its pure-JS default, several times faster). */
export const nodeSha256Hex = (text: string): string => hash('sha256', text, 'hex')

/** SHA-256 over model version, profile bytes and pack files (sorted by path), NUL-separated. */
export function computeFingerprint(profileText: string | undefined, files: readonly PackFile[]): string {
  const h = createHash('sha256')
  h.update(SCORING_MODEL_VERSION).update('\0').update(profileText ?? '<none>').update('\0')
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    h.update(f.path).update('\0').update(f.text).update('\0')
  }
  return h.digest('hex')
}

export function buildEngine(options: EngineCliOptions, deps: EngineFactoryDeps = {}): BuiltEngine {
  const cwd = deps.cwd ?? process.cwd()
  let roots: PackRoot[]
  let files: PackFile[]
  let rootOf: (path: string) => string | undefined
  try {
    roots = resolvePackRoots({
      cwd,
      ...(options.packsDir === undefined ? {} : { flag: options.packsDir }),
      ...(deps.packsDirEnv === undefined ? {} : { env: deps.packsDirEnv }),
      ...(deps.home === undefined ? {} : { home: deps.home }),
      ...(deps.shippedPacksDir === undefined ? {} : { shippedDir: deps.shippedPacksDir }),
    })
    ;({ files, rootOf } = readPackRoots(roots))
  } catch (err) {
    throw new EngineConfigError(err instanceof Error ? err.message : String(err))
  }
  const seed = deps.packSeed === null ? undefined : (deps.packSeed ?? readPackSeed())
  if (deps.packCache !== undefined && files.length > 0) {
    const cached = applyPackCache(files, { ...deps.packCache, ...(seed === undefined ? {} : { seed }) })
    files = cached.files
    if (cached.note !== undefined) deps.onPackCacheNote?.(cached.note)
  } else if (seed !== undefined) {
    files = applyPackSeed(files, seed)
  }
  const loaded = loadPackSet(files, { sha256: nodeSha256Hex, ...(deps.lockfile === undefined ? {} : { lockfile: deps.lockfile }) })
  const render = (i: ValidationIssue): string => formatIssueIn(i.file === undefined ? undefined : rootOf(i.file), i)
  const rendered = loaded.issues.map(render)
  if (!loaded.ok) {
    throw new EngineConfigError(
      `packs failed to load (${countErrors(loaded.issues)} errors):\n${rendered.join('\n')}`,
    )
  }
  // No policy, no pass: an empty pack set would answer "no opinion" to everything.
  if (loaded.packSet.packs.length === 0) {
    throw new EngineConfigError(
      `no packs loaded from ${describePackRoots(roots, deps.home === undefined ? {} : { home: deps.home })}: refusing to decide without a policy`,
    )
  }
  const dir = roots[0]?.dir
  const profile = options.profile === undefined ? undefined : loadProfileFile(options.profile, cwd)
  const fingerprint = computeFingerprint(profile?.text, files)
  let engine: Engine
  try {
    engine = createEngine({
      packSet: loaded.packSet,
      fingerprint,
      sha256: nodeSha256Hex,
      ...(profile ? { profile: profile.profile } : {}),
      ...(options.orgDomain === undefined ? {} : { orgDomain: options.orgDomain }),
      ...(deps.reviewer ? { reviewer: deps.reviewer } : {}),
      ...(deps.cacheTtlMs === undefined ? {} : { cacheTtlMs: deps.cacheTtlMs }),
    })
  } catch (err) {
    throw new EngineConfigError(err instanceof Error ? err.message : String(err))
  }
  return {
    engine,
    packSet: loaded.packSet,
    ...(dir === undefined ? {} : { packsDir: dir }),
    packRoots: roots,
    ...(profile ? { profile: profile.profile, profilePath: profile.path } : {}),
    fingerprint,
    warnings: [...rendered, ...engine.warnings.map(render)],
  }
}
