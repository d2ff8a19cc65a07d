/**
 * What a listing or search tool (Claude Code's Glob, Grep and LS; the filesystem MCP server's
 * list/tree/search tools) reaches: its directory and every pattern under it. A search is a read
 * of everything it can match, so the directory is judged by what lives inside it (`~/.aws` and
 * `~/.aws/` are both a secret directory; `~/.ssh/*`, `.env` at any depth and `*.pem` name secret files), and
 * a pattern is resolved against the tool's directory, not the working directory. Built on
 * `classifyPath` (helpers/path.ts), so paths are normalised exactly as for Read and Write
 * (`..`, `//`, `~`, `$HOME`, trailing slashes, Windows separators).
 */
import type { JsonObject, JsonValue } from '../types.ts'
import { classifyPath, classifyPaths, normalizePosix, PathKind, PathScope, resolvePath, worseKind, worseScope, type PathKind as Kind, type PathScope as Scope } from './path.ts'
import { CREDENTIAL_DIRS, globRegExp } from './guard-locations.ts'
import type { HelperDef } from './types.ts'

const GLOB_CHARS = /[*?[\]{}]/
/** Directories that hold permit0's secrets beside its configuration (data dir, config home). */
const GUARD_SECRET_HOME = /\/\.permit0(\/|$)|^\/(etc|var\/lib|opt|usr\/local\/etc)\/permit0(\/|$)/

export interface SearchFacts {
  readonly count: number
  readonly scope: Scope
  readonly kind: Kind
  readonly dotfile: boolean
  /** The search covers the file-system root or a whole home directory. */
  readonly broad: boolean
  readonly paths: readonly string[]
}

function strings(v: JsonValue | undefined): string[] {
  if (typeof v === 'string') return v.trim() === '' ? [] : [v]
  if (Array.isArray(v)) return v.flatMap((x) => strings(x))
  return []
}

/** A pattern is absolute (or home-relative) on its own; otherwise it lives under `dir`. */
function underDir(pattern: string, dir: string): string {
  const p = pattern.trim().replace(/\\/g, '/')
  if (p.startsWith('/') || /^(~|\$HOME|\$\{HOME\})(\/|$)/.test(p) || /^[A-Za-z]:\//.test(p)) return p
  return `${dir.replace(/\/+$/, '')}/${p}`
}

/**
 * Literal spellings a glob's last segment can match, for classifying by name: `id_rsa*` → `id_rsa`,
 * `.env*` → `.env`, `{.npmrc,.netrc}` → both, `*credentials*` → `credentials`.
 */
function literalNames(path: string): string[] {
  const slash = path.lastIndexOf('/')
  const dir = path.slice(0, slash + 1)
  const base = path.slice(slash + 1)
  if (!GLOB_CHARS.test(base)) return []
  const brace = /\{([^{}]*)\}/.exec(base)
  const expanded = brace === null || brace[1] === undefined
    ? [base]
    : brace[1].split(',').map((alt) => base.slice(0, brace.index) + alt + base.slice(brace.index + brace[0].length))
  return expanded.map((b) => dir + b.replace(/\[[^\]]*\]/g, '').replace(/[*?]/g, '')).filter((p) => !p.endsWith('/'))
}

/**
 * Directory names a glob in a middle segment may stand for that hold secrets (`~/.perm?…` standing
 * for `~/.permit0`): permit0's homes and the credential directories, by their first segment.
 */
const SENSITIVE_SEGMENTS: readonly string[] = [...new Set(['.permit0', 'permit0', ...CREDENTIAL_DIRS.map((d) => d.split('/')[1] ?? '').filter((n) => n !== '')])]

/**
 * The paths a glob's non-final segments can reach among the sensitive directories: each segment
 * with a glob character that matches one of `SENSITIVE_SEGMENTS` is replaced by it (the rest kept),
 * so a pattern under `~/.perm?…` is judged as the same pattern under `~/.permit0` too.
 */
function sensitiveExpansions(path: string): string[] {
  const segs = path.split('/')
  const out: string[] = []
  for (let i = 0; i < segs.length - 1; i += 1) {
    const seg = segs[i] as string
    if (!GLOB_CHARS.test(seg)) continue
    const re = globRegExp(seg)
    // a glob matches a leading `.` only literally (`*` never matches `.permit0`, `.*` and `.p*` do)
    const dotted = seg.startsWith('.') || seg.startsWith('[.')
    for (const name of SENSITIVE_SEGMENTS) {
      if (!(dotted || !name.startsWith('.')) || !re.test(name)) continue
      const reach = [...segs.slice(0, i), name, ...segs.slice(i + 1)].join('/')
      // a bare `permit0` is a secret home only in its system and config places (not `node_modules/permit0`)
      if (name.startsWith('.') || GUARD_SECRET_HOME.test(reach)) out.push(reach)
    }
  }
  return out
}

/** The literal directory before the first segment with a glob character. */
function literalDir(path: string): string {
  const segs = path.split('/')
  const i = segs.findIndex((s) => GLOB_CHARS.test(s))
  return i < 0 ? path : segs.slice(0, i).join('/') || '/'
}

/**
 * Facts over a search: `dir` (default: the working directory) and `patterns` (globs or paths,
 * relative to `dir`). Each target counts as itself, as the directory it names (what is inside:
 * `<dir>/*`), and — for permit0's own homes — as the secrets kept there.
 */
export function classifySearch(dir: string | undefined, patterns: readonly string[], cwd?: string): SearchFacts {
  const base = dir === undefined || dir.trim() === '' ? (cwd ?? '.') : dir
  const targets = [base, ...patterns.map((p) => underDir(p, base))]
  let scope: Scope = PathScope.Workspace
  let kind: Kind = PathKind.Regular
  let dotfile = false
  let broad = false
  const paths: string[] = []
  for (const t of targets) {
    const direct = classifyPath(t, cwd)
    const { resolved } = resolvePath(t, cwd)
    const folder = normalizePosix(literalDir(resolved))
    const inside = classifyPath(`${folder}/*`, cwd)
    for (const name of literalNames(resolved)) kind = worseKind(kind, classifyPath(name, cwd).kind)
    // a glob in a middle segment may reach a secret directory (`~/.perm?…` for `~/.permit0`)
    for (const reach of sensitiveExpansions(resolved)) {
      const folderOf = normalizePosix(literalDir(reach))
      kind = worseKind(kind, classifyPath(reach, cwd).kind)
      kind = worseKind(kind, classifyPath(`${folderOf}/*`, cwd).kind)
      for (const name of literalNames(reach)) kind = worseKind(kind, classifyPath(name, cwd).kind)
      if (GUARD_SECRET_HOME.test(folderOf)) kind = worseKind(kind, PathKind.GuardSecret)
    }
    // a directory that holds a credential directory further down (`~/.config` → `~/.config/gcloud/`,
    // `~/.local` → `~/.local/share/keyrings/`, `/etc` → `/etc/ssl/private/`) reaches it
    if (!GLOB_CHARS.test(resolved) && !direct.broad && holdsCredentialDir(folder)) kind = worseKind(kind, PathKind.Secret)
    scope = worseScope(worseScope(scope, direct.scope), inside.scope)
    kind = worseKind(worseKind(kind, direct.kind), inside.kind)
    if (GUARD_SECRET_HOME.test(folder)) kind = worseKind(kind, PathKind.GuardSecret)
    dotfile ||= direct.dotfile
    broad ||= direct.broad || classifyPath(folder, cwd).broad
    paths.push(direct.resolved)
  }
  return { count: targets.length, scope, kind, dotfile, broad, paths }
}

/** Whether a credential directory (CREDENTIAL_DIRS, under the folder's home or absolute) lies strictly below `folder`. */
function holdsCredentialDir(folder: string): boolean {
  const f = folder.replace(/\/+$/, '').toLowerCase()
  if (f === '' || f === '/') return false
  const home = /^(\/home\/[^/]+|\/users\/[^/]+|\/root)(?=\/|$)/.exec(f)?.[0]
  return CREDENTIAL_DIRS.some((d) => {
    const full = d.startsWith('/.') || d.startsWith('/library/') ? (home === undefined ? undefined : `${home}${d}`) : d
    return full !== undefined && full.startsWith(`${f}/`) && full.length > f.length + 1 && full.slice(f.length + 1).replace(/\/$/, '') !== ''
  })
}

function searchFactsJson(args: readonly JsonValue[]): JsonValue {
  const dir = typeof args[0] === 'string' ? args[0] : undefined
  const cwd = typeof args[1] === 'string' && args[1] !== '' ? args[1] : undefined
  const f = classifySearch(dir, args.slice(2).flatMap((a) => strings(a)), cwd)
  return { ...f, paths: [...f.paths] } satisfies JsonObject
}

/** `paths_facts(cwd, a, b, …)`: path_facts over several separate parameters (source and destination). */
function pathsFactsJson(args: readonly JsonValue[]): JsonValue {
  const cwd = typeof args[0] === 'string' && args[0] !== '' ? args[0] : undefined
  const paths = args.slice(1).flatMap((a) => strings(a))
  if (paths.length === 0) {
    // A move or copy that names no path cannot be judged as being inside the project.
    return { count: 0, scope: PathScope.Unknown, kind: PathKind.Regular, dotfile: false, broad: false, paths: [] } satisfies JsonObject
  }
  const f = classifyPaths(paths, cwd)
  return { ...f, paths: [...f.paths] } satisfies JsonObject
}

export const FILE_TOOL_HELPERS: readonly HelperDef[] = [
  {
    name: 'paths_facts',
    arity: 2,
    variadic: true,
    description:
      'paths_facts(cwd, path, …) → path_facts over every path argument (strings or lists), e.g. a ' +
      "move's source and destination; no path at all → scope unknown.",
    fn: pathsFactsJson,
  },
  {
    name: 'search_facts',
    arity: 2,
    variadic: true,
    description:
      'search_facts(dir, cwd, pattern, …) → {count, scope, kind, dotfile, broad, paths} like path_facts, ' +
      'for listing/search tools: dir (default cwd) is judged by what lives inside it (`~/.aws` is a ' +
      'secret directory), patterns (strings or lists) resolve under dir; the worst target wins.',
    fn: searchFactsJson,
  },
]
