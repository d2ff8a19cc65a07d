/**
 * Path helpers for the Claude Code and filesystem packs: where a path points relative to the
 * agent's working directory (`metadata.cwd`) and what kind of file it is. Pure string work on
 * POSIX-style paths (Windows drive paths are folded to `/`); the file system is never touched.
 */
import type { JsonObject, JsonValue } from '../types.ts'
import { guardLocation, GuardLocation, isCredentialLocation, isPersistenceLocation } from './guard-locations.ts'
import type { HelperDef } from './types.ts'

/** Where a path points, from least to most concerning. */
export const PathScope = {
  Workspace: 'workspace',
  Temp: 'temp',
  Unknown: 'unknown',
  Home: 'home',
  Outside: 'outside',
  System: 'system',
} as const
export type PathScope = (typeof PathScope)[keyof typeof PathScope]

const SCOPE_RANK: Readonly<Record<PathScope, number>> = {
  workspace: 0,
  temp: 1,
  unknown: 2,
  home: 3,
  outside: 4,
  system: 5,
}

/** What a path holds, from least to most concerning. */
export const PathKind = {
  Regular: 'regular',
  Dependency: 'dependency',
  VcsInternal: 'vcs_internal',
  CiConfig: 'ci_config',
  Persistence: 'persistence',
  Secret: 'secret',
  /** permit0's or the host's configuration, packs, data, hooks (see guard-locations.ts). */
  Guard: 'guard',
  /** permit0's own secrets: reviewer token, API tokens, audit signing key. */
  GuardSecret: 'guard_secret',
} as const
export type PathKind = (typeof PathKind)[keyof typeof PathKind]

const KIND_RANK: Readonly<Record<PathKind, number>> = {
  regular: 0,
  dependency: 1,
  vcs_internal: 2,
  ci_config: 3,
  persistence: 4,
  secret: 5,
  guard: 6,
  guard_secret: 7,
}

export interface PathFacts {
  /** The path as given. */
  readonly path: string
  /** Absolute, normalized form when it could be resolved, else the normalized relative form. */
  readonly resolved: string
  readonly scope: PathScope
  readonly kind: PathKind
  /** Some segment starts with `.` (`.env`, `.github/…`, `~/.ssh/…`). */
  readonly dotfile: boolean
  /** The path names the file-system root or a whole home directory. */
  readonly broad: boolean
}

const SYSTEM_PREFIXES = [
  '/etc', '/usr', '/bin', '/sbin', '/boot', '/dev', '/proc', '/sys', '/lib', '/lib32', '/lib64',
  '/var', '/opt', '/srv', '/System', '/Library', '/Applications', '/private/etc', '/private/var',
  '/windows', '/program files', '/programdata',
]
const TEMP_PREFIXES = ['/tmp', '/var/tmp', '/private/tmp', '/dev/shm']
const HOME_ROOT = /^(\/home\/[^/]+|\/Users\/[^/]+|\/root)(?=\/|$)/

const CI_PATTERNS = [/\/\.github\/workflows\//, /\/\.gitlab-ci\.ya?ml$/, /\/\.circleci\//,
  /\/Jenkinsfile$/, /\/\.buildkite\//, /\/azure-pipelines\.ya?ml$/, /\/\.travis\.ya?ml$/,
  /\/bitbucket-pipelines\.yml$/, /\/\.github\/actions\//]

/** Joins and normalizes POSIX segments (`.` dropped, `..` pops; above root stays at root). */
export function normalizePosix(path: string): string {
  const absolute = path.startsWith('/')
  const out: string[] = []
  let above = 0
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (out.length > 0) out.pop()
      else if (!absolute) above += 1
      continue
    }
    out.push(seg)
  }
  const body = out.join('/')
  if (absolute) return `/${body}`
  const up = Array.from({ length: above }, () => '..').join('/')
  return [up, body].filter((s) => s !== '').join('/') || '.'
}

function foldWindows(path: string): string {
  const drive = /^([A-Za-z]):[\\/]/.exec(path)
  if (drive === null && !path.includes('\\')) return path
  return (drive === null ? path : path.slice(2)).replace(/\\/g, '/')
}

function isUnder(path: string, dir: string): boolean {
  if (dir === '/') return true
  return path === dir || path.startsWith(`${dir}/`)
}

function homeOf(cwd: string | undefined): string | undefined {
  if (cwd === undefined) return undefined
  const m = HOME_ROOT.exec(cwd)
  return m?.[1]
}

/**
 * Resolves `path` against `cwd`: `~`/`$HOME` use the home directory implied by `cwd`
 * (`/home/<u>`, `/Users/<u>`, `/root`); relative paths join `cwd`. Returns `undefined` for
 * the home directory when it cannot be inferred.
 */
export function resolvePath(path: string, cwd?: string): { resolved: string; homeRelative: boolean } {
  let p = foldWindows(path.trim())
  const home = homeOf(cwd)
  let homeRelative = false
  const homeMatch = /^(~|\$HOME|\$\{HOME\})(?=\/|$)/.exec(p)
  const userMatch = /^~([A-Za-z0-9._-]+)(?=\/|$)/.exec(p)
  if (homeMatch !== null) {
    homeRelative = true
    p = `${home ?? '/home/~'}${p.slice(homeMatch[0].length)}`
  } else if (userMatch !== null) {
    // `~user`: that user's home directory.
    homeRelative = true
    const user = userMatch[1] as string
    p = `${user === 'root' ? '/root' : `${home?.startsWith('/Users/') === true ? '/Users' : '/home'}/${user}`}${p.slice(userMatch[0].length)}`
  } else if (!p.startsWith('/') && cwd !== undefined && cwd.startsWith('/')) {
    p = `${cwd}/${p}`
  }
  return { resolved: normalizePosix(p), homeRelative }
}

function classifyKind(resolved: string): PathKind {
  const guard = guardLocation(resolved)
  if (guard === GuardLocation.Secret) return PathKind.GuardSecret
  if (guard === GuardLocation.Config) return PathKind.Guard
  const lower = resolved.toLowerCase()
  const slashed = `/${lower.replace(/^\//, '')}`
  if (isCredentialLocation(lower)) return PathKind.Secret
  if (isPersistenceLocation(lower)) return PathKind.Persistence
  if (CI_PATTERNS.some((re) => re.test(slashed))) return PathKind.CiConfig
  if (slashed.includes('/.git/') || slashed.endsWith('/.git')) return PathKind.VcsInternal
  if (slashed.includes('/node_modules/') || slashed.includes('/vendor/') || slashed.includes('/.venv/')) {
    return PathKind.Dependency
  }
  return PathKind.Regular
}

function classifyScope(resolved: string, cwd: string | undefined, homeRelative: boolean): PathScope {
  const absolute = resolved.startsWith('/')
  if (!absolute) {
    // Relative with no known cwd: relative to the agent's working directory, unless it climbs out.
    return resolved.startsWith('..') ? PathScope.Unknown : PathScope.Workspace
  }
  if (cwd !== undefined && cwd.startsWith('/')) {
    const base = normalizePosix(cwd)
    if (base !== '/' && isUnder(resolved, base)) return PathScope.Workspace
  }
  if (TEMP_PREFIXES.some((d) => isUnder(resolved, d))) return PathScope.Temp
  const lower = resolved.toLowerCase()
  if (resolved === '/' || SYSTEM_PREFIXES.some((d) => isUnder(lower, d.toLowerCase()))) return PathScope.System
  if (homeRelative || HOME_ROOT.test(resolved)) return PathScope.Home
  return cwd === undefined ? PathScope.Unknown : PathScope.Outside
}

/**
 * The file system root, a home directory, the directory of all homes, or a glob over one of them
 * (`/*`, `~/*`, `/home/*`, `~/.*`).
 */
function isBroad(resolved: string, home: string | undefined): boolean {
  const roots = (p: string): boolean => p === '/' || (home !== undefined && p === home) ||
    HOME_ROOT.exec(p)?.[0] === p || p === '/home/~' || p === '/Users' || p === '/home'
  if (roots(resolved)) return true
  // a glob that can match a root or a whole home (`/hom?/dev`, `/*/dev`, `~/*/*`): every trailing
  // wildcard segment only widens what it reaches, so it is dropped before the root is looked for
  let p = resolved
  for (;;) {
    const i = p.lastIndexOf('/')
    if (i < 0 || !/^[.]?[*?]+$|^\.\[!.\]\*$|^\{.*\}$/.test(p.slice(i + 1))) break
    p = i <= 0 ? '/' : p.slice(0, i)
    if (roots(p)) return true
  }
  return /[*?[]/.test(p) && globReachesRoot(p, home)
}

/** Root-like directories a glob segment list is tried against (`*` = any one name). */
const BROAD_TEMPLATES: readonly (readonly string[])[] = [['home'], ['Users'], ['root'], ['home', '*'], ['Users', '*']]

/** Whether a glob path (segments with `*`, `?`, `[…]`) can name `/home`, `/Users`, `/root`, a user's home or `home`. */
function globReachesRoot(glob: string, home: string | undefined): boolean {
  const segs = glob.split('/').filter((s) => s !== '')
  const templates = home === undefined ? BROAD_TEMPLATES : [...BROAD_TEMPLATES, home.split('/').filter((s) => s !== '')]
  return templates.some((t) => t.length === segs.length && t.every((name, k) => {
    const seg = segs[k] as string
    return name === '*' || globSegment(seg).test(name)
  }))
}

function globSegment(seg: string): RegExp {
  let re = ''
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2)
      if (end < 0) { re += '\\['; continue }
      const body = seg.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')
      re += `[${body}]`
      i = end
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  try { return new RegExp(`^${re}$`) } catch { return /^/ }
}

/** Classifies one path relative to the working directory. */
export function classifyPath(path: string, cwd?: string): PathFacts {
  const { resolved, homeRelative } = resolvePath(path, cwd)
  const segments = resolved.split('/')
  const home = homeOf(cwd)
  return {
    path,
    resolved,
    scope: classifyScope(resolved, cwd, homeRelative),
    kind: classifyKind(resolved),
    dotfile: segments.some((s) => s.startsWith('.') && s !== '.' && s !== '..'),
    broad: isBroad(resolved, home),
  }
}

/** Facts over several paths: the most concerning scope and kind win. */
export interface PathSetFacts {
  readonly count: number
  readonly scope: PathScope
  readonly kind: PathKind
  readonly dotfile: boolean
  readonly broad: boolean
  readonly paths: readonly string[]
}

export function classifyPaths(paths: readonly string[], cwd?: string): PathSetFacts {
  let scope: PathScope = PathScope.Workspace
  let kind: PathKind = PathKind.Regular
  let dotfile = false
  let broad = false
  const resolved: string[] = []
  for (const p of paths) {
    const f = classifyPath(p, cwd)
    if (SCOPE_RANK[f.scope] > SCOPE_RANK[scope]) scope = f.scope
    if (KIND_RANK[f.kind] > KIND_RANK[kind]) kind = f.kind
    dotfile ||= f.dotfile
    broad ||= f.broad
    resolved.push(f.resolved)
  }
  return { count: paths.length, scope, kind, dotfile, broad, paths: resolved }
}

export function worseScope(a: PathScope, b: PathScope): PathScope {
  return SCOPE_RANK[b] > SCOPE_RANK[a] ? b : a
}

export function worseKind(a: PathKind, b: PathKind): PathKind {
  return KIND_RANK[b] > KIND_RANK[a] ? b : a
}

function stringsOf(v: JsonValue | undefined): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v]
  if (Array.isArray(v)) return v.flatMap((x) => stringsOf(x))
  if (v !== null && typeof v === 'object') {
    // `edits: [{path: …}]`-style lists and `{path}` objects.
    const p = v['path'] ?? v['file_path'] ?? v['source'] ?? v['destination']
    return stringsOf(p)
  }
  return []
}

function cwdArg(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

function pathFactsJson(args: readonly JsonValue[]): JsonValue {
  const paths = stringsOf(args[0])
  if (paths.length === 0) {
    // No path means "the working directory" for Glob/Grep/LS-style tools.
    return { count: 0, scope: PathScope.Workspace, kind: PathKind.Regular, dotfile: false, broad: false, paths: [] } satisfies JsonObject
  }
  const f = classifyPaths(paths, cwdArg(args[1]))
  return { ...f, paths: [...f.paths] } satisfies JsonObject
}

function pathScopeJson(args: readonly JsonValue[]): JsonValue {
  return (pathFactsJson(args) as JsonObject)['scope'] ?? PathScope.Unknown
}

export const PATH_HELPERS: readonly HelperDef[] = [
  {
    name: 'path_facts',
    arity: 2,
    description:
      'path_facts(path_or_paths, cwd) → {count, scope, kind, dotfile, broad, paths}: scope is ' +
      'workspace|temp|unknown|home|outside|system relative to cwd; kind is ' +
      'regular|dependency|vcs_internal|ci_config|persistence|secret|guard|guard_secret; lists take the worst.',
    fn: pathFactsJson,
  },
  {
    name: 'path_scope',
    arity: 2,
    description: 'path_scope(path_or_paths, cwd) → the `scope` of path_facts.',
    fn: pathScopeJson,
  },
]
