/**
 * Loads packs from file texts (the CLI reads the disk; the engine never does): discovery of flat
 * (`<root>/<pack>/pack.yaml`) and owner-namespaced (`<root>/<owner>/<pack>/pack.yaml`) packs,
 * manifest, `_source.yaml`, normalizers, aliases, lockfile verification and raw risk-rule
 * documents for the scoring layer.
 */
import { isJsonObject } from '../conditions/values.ts'
import { issue, type IssuePath, type ValidationIssue } from '../errors.ts'
import { compileAliasFile, type CompiledAlias } from '../normalize/aliases.ts'
import { compileNormalizer, type CompiledNormalizer } from '../normalize/compile-normalizer.ts'
import { compileRiskRule, type CompiledRiskRule } from '../risk/compile-risk-rule.ts'
import { createNormalizerRegistry, type NormalizerRegistry } from '../normalize/registry.ts'
import { parseActionType } from '../taxonomy/taxonomy.ts'
import { matchesToolPattern } from './glob.ts'
import { isLockedPath, lockEntry, parseLockfile, type Lockfile } from './lockfile.ts'
import { parseManifest, parseSourceManifest, type PackManifest } from './manifest.ts'
import { parseYaml, type ParsedYaml, type Position } from './yaml-source.ts'

export interface PackFile {
  /** Forward-slash path relative to the packs root (or to the pack dir in `single` mode). */
  readonly path: string
  readonly text: string
  /**
   * The text's YAML already parsed to plain values (a cache the caller verified against `text`,
   * e.g. `permit0`'s on-disk pack cache). When present the text is not parsed again, and issues
   * in this file carry no line numbers.
   */
  readonly value?: unknown
}

export const LockfilePolicy = { Lazy: 'lazy', Strict: 'strict' } as const
export type LockfilePolicy = (typeof LockfilePolicy)[keyof typeof LockfilePolicy]

export interface LoadPackSetOptions {
  /** `lazy` (default): verify when a lockfile exists, warn when absent. `strict`: require one. */
  readonly lockfile?: LockfilePolicy
  /** `root` (default): `files` are a packs root with many packs. `single`: one pack's own files. */
  readonly layout?: 'root' | 'single'
  /** SHA-256 (text → 64 hex) for lockfile checks; default pure-JS. Node callers pass `node:crypto`'s. */
  readonly sha256?: (text: string) => string
}

/** A risk-rule file as parsed YAML, for the scoring layer to validate and compile. */
export interface RiskRuleDocument {
  /** Pack id (`owner/name`). */
  readonly pack: string
  /** Path as given in `files`. */
  readonly path: string
  readonly doc: unknown
  readonly text: string
  /** Line/column of a YAML path in this file (for issues). */
  readonly locate: (path: IssuePath) => Position | undefined
  /**
   * The rule compiled by `loadPackSet` (absent when it had errors, which the load reported with
   * file and line): `createEngine` uses it as is, so a loaded pack set never fails there.
   */
  readonly compiled?: CompiledRiskRule
}

export interface LoadedPack {
  /** `permit0_pack` from the manifest, else the directory. */
  readonly id: string
  /** Pack directory relative to the packs root (`''` in single mode). */
  readonly dir: string
  readonly manifest?: PackManifest
  readonly lockfile: 'verified' | 'absent'
  /** Action types produced by this pack's normalizers. */
  readonly producedActionTypes: readonly string[]
  /** Action types this pack's risk rules cover. */
  readonly ruleActionTypes: readonly string[]
  readonly files: readonly string[]
}

export interface PackSet {
  readonly packs: readonly LoadedPack[]
  readonly registry: NormalizerRegistry
  readonly riskRules: readonly RiskRuleDocument[]
}

export type LoadPackSetResult =
  | { readonly ok: true; readonly packSet: PackSet; readonly issues: readonly ValidationIssue[] }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] }

const YAML_EXT = /\.ya?ml$/

/** Pack directories in `paths` (relative to a packs root), sorted. */
export function discoverPacks(paths: readonly string[]): string[] {
  const set = new Set(paths)
  const dirs = new Set<string>()
  for (const p of paths) {
    const parts = p.split('/')
    if (parts[parts.length - 1] !== 'pack.yaml') continue
    const dirParts = parts.slice(0, -1)
    if (dirParts.some((d) => d.startsWith('.') || d.startsWith('_'))) continue
    if (dirParts.length === 1) dirs.add(dirParts[0] as string)
    else if (dirParts.length === 2 && !set.has(`${dirParts[0]}/pack.yaml`)) dirs.add(dirParts.join('/'))
  }
  return [...dirs].sort()
}

export function loadPackSet(files: readonly PackFile[], options: LoadPackSetOptions = {}): LoadPackSetResult {
  const policy = options.lockfile ?? LockfilePolicy.Lazy
  const issues: ValidationIssue[] = []
  const normalizers: CompiledNormalizer[] = []
  const aliases: CompiledAlias[] = []
  const riskRules: RiskRuleDocument[] = []
  const packs: LoadedPack[] = []

  const dirs = options.layout === 'single' ? [''] : discoverPacks(files.map((f) => f.path))
  for (const dir of dirs) {
    const prefix = dir === '' ? '' : `${dir}/`
    const own = files
      .filter((f) => f.path.startsWith(prefix))
      .map((f) => ({ rel: f.path.slice(prefix.length), file: f }))
      .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
    const loaded = loadPack(dir, own, policy, issues, normalizers, aliases, riskRules, options.sha256)
    packs.push(loaded)
  }
  issues.push(...unruledActionTypes(packs))

  const { registry, issues: regIssues } = createNormalizerRegistry(normalizers, aliases)
  issues.push(...regIssues)
  if (issues.some((i) => i.severity === 'error')) return { ok: false, issues }
  return { ok: true, packSet: { packs, registry, riskRules }, issues }
}

function loadPack(
  dir: string,
  own: readonly { rel: string; file: PackFile }[],
  policy: LockfilePolicy,
  issues: ValidationIssue[],
  normalizers: CompiledNormalizer[],
  aliases: CompiledAlias[],
  riskRules: RiskRuleDocument[],
  sha256?: (text: string) => string,
): LoadedPack {
  const byRel = new Map(own.map((o) => [o.rel, o.file]))
  const at = (file: PackFile, list: readonly ValidationIssue[], locate?: (p: IssuePath) => Position | undefined): void => {
    for (const i of list) {
      const pos = i.line === undefined ? locate?.(i.path) : undefined
      issues.push({ ...i, file: i.file ?? file.path, ...(pos ? { line: pos.line, column: pos.column } : {}) })
    }
  }
  const parse = (file: PackFile): ParsedYaml => {
    if (file.value !== undefined) return { value: file.value, issues: [], locate: () => undefined }
    const parsed = parseYaml(file.text)
    at(file, parsed.issues)
    return parsed
  }

  // Manifest.
  let manifest: PackManifest | undefined
  const manifestFile = byRel.get('pack.yaml')
  if (manifestFile) {
    const parsed = parse(manifestFile)
    if (parsed.value !== undefined) {
      const m = parseManifest(parsed.value)
      at(manifestFile, m.issues, parsed.locate)
      manifest = m.manifest
    }
  }
  const packId = manifest?.permit0Pack ?? (dir === '' ? '<pack>' : dir)

  // Lockfile.
  let lock: Lockfile | undefined
  const lockFile = byRel.get('pack.lock.yaml')
  const lockPath = `${dir === '' ? '' : `${dir}/`}pack.lock.yaml`
  if (lockFile) {
    const parsed = parse(lockFile)
    if (parsed.value !== undefined) {
      const l = parseLockfile(parsed.value)
      at(lockFile, l.issues, parsed.locate)
      lock = l.lockfile
    }
  } else if (policy === 'strict') {
    issues.push({ ...issue('lockfile_missing', [], `lockfile policy is strict but ${lockPath} is missing (run 'permit0 pack lock')`), file: lockPath })
  } else {
    issues.push({ ...issue('lockfile_missing', [], `no ${lockPath}: files are not integrity-checked (run 'permit0 pack lock')`, { severity: 'warning' }), file: lockPath })
  }
  if (lock) {
    const listed = new Map(lock.files.map((f) => [f.path, f]))
    for (const { rel, file } of own) {
      if (!isLockedPath(rel)) continue
      const entry = listed.get(rel)
      if (!entry) {
        issues.push({ ...issue('lockfile_drift', [], `lockfile drift: ${rel} is not listed in ${lockPath}`), file: file.path })
        continue
      }
      const actual = lockEntry(rel, file.text, sha256)
      if (actual.sha256 !== entry.sha256 || actual.size !== entry.size) {
        issues.push({ ...issue('lockfile_mismatch', [], `lockfile hash mismatch for ${rel}: file changed after 'pack lock' (locked sha256=${entry.sha256.slice(0, 12)}… size=${entry.size}, actual sha256=${actual.sha256.slice(0, 12)}… size=${actual.size})`), file: file.path })
      }
    }
    for (const entry of lock.files) {
      if (!byRel.has(entry.path)) {
        issues.push({ ...issue('lockfile_drift', ['files'], `lockfile drift: ${entry.path} is listed but missing`), file: lockFile?.path ?? lockPath })
      }
    }
  }

  // Normalizers, _source.yaml, aliases.
  const produced = new Set<string>()
  const normalizerIds = new Map<string, string>()
  const patterns = new Map<string, string>()
  for (const { rel, file } of own) {
    const parts = rel.split('/')
    if (parts[0] !== 'normalizers' || parts.length !== 3 || parts[2] !== '_source.yaml') continue
    if (parts[1]?.startsWith('.') || parts[1]?.startsWith('_')) continue
    const parsed = parse(file)
    if (parsed.value === undefined) continue
    const s = parseSourceManifest(parsed.value)
    at(file, s.issues, parsed.locate)
    if (s.source?.toolPattern !== undefined) patterns.set(parts[1] as string, s.source.toolPattern)
  }
  const sourceDirs = new Set<string>()
  for (const { rel, file } of own) {
    const parts = rel.split('/')
    const name = parts[parts.length - 1] as string
    if (rel === 'aliases.yaml' || (parts[0] === 'normalizers' && parts.length === 3 && name === 'aliases.yaml')) {
      const parsed = parse(file)
      if (parsed.value === undefined) continue
      const a = compileAliasFile(parsed.value, file.path)
      at(file, a.issues, parsed.locate)
      aliases.push(...a.aliases)
      continue
    }
    if (parts[0] !== 'normalizers' || !YAML_EXT.test(name) || parts.length > 3) continue
    if (parts.length === 3) {
      const src = parts[1] as string
      if (src.startsWith('.') || src.startsWith('_')) continue
      sourceDirs.add(src)
    }
    if (name === '_source.yaml' || name.startsWith('.')) continue
    if (name.startsWith('_')) {
      issues.push({ ...issue('ignored_file', [], `ignored: files starting with '_' are not normalizers`, { severity: 'warning' }), file: file.path })
      continue
    }
    const parsed = parse(file)
    if (parsed.value === undefined) continue
    const n = compileNormalizer(parsed.value, { pack: packId, file: file.path })
    at(file, n.issues, parsed.locate)
    for (const t of n.producedActionTypes ?? (n.declaredActionType === undefined ? [] : [n.declaredActionType])) produced.add(t)
    if (isJsonObject(parsed.value) && typeof parsed.value.id === 'string') {
      const first = normalizerIds.get(parsed.value.id)
      if (first !== undefined) {
        const pos = parsed.locate(['id'])
        issues.push({ ...issue('duplicate_id', ['id'], `duplicate normalizer id '${parsed.value.id}' (first in ${first})`, { key: 'id' }), file: file.path, ...(pos ? { line: pos.line, column: pos.column } : {}) })
      } else normalizerIds.set(parsed.value.id, file.path)
    }
    if (!n.normalizer) continue
    normalizers.push(n.normalizer)
    const pattern = parts.length === 3 ? patterns.get(parts[1] as string) : undefined
    if (pattern !== undefined) {
      const tool = n.normalizer.exactTool
      if (tool === undefined || !matchesToolPattern(pattern, tool)) {
        const pos = parsed.locate(['match', 'tool'])
        issues.push({
          ...issue('tool_pattern_mismatch', ['match', 'tool'], tool === undefined
            ? `normalizers in ${parts[1]}/ must match one exact tool satisfying tool_pattern '${pattern}'`
            : `tool '${tool}' does not satisfy tool_pattern '${pattern}' of ${parts[1]}/_source.yaml (cross-source poisoning?)`, { key: 'tool' }),
          file: file.path,
          ...(pos ? { line: pos.line, column: pos.column } : {}),
        })
      }
    }
  }
  for (const src of sourceDirs) {
    if (!patterns.has(src) && !byRel.has(`normalizers/${src}/_source.yaml`)) {
      issues.push({ ...issue('missing_source_manifest', [], `normalizers/${src}/ has no _source.yaml (tool_pattern not enforced)`, { severity: 'warning' }), file: `${dir === '' ? '' : `${dir}/`}normalizers/${src}` })
    }
  }

  // Risk rules: compiled by the scoring layer's compiler, so loading rejects what the engine would.
  const ruleTypes = new Map<string, string>()
  for (const { rel, file } of own) {
    const parts = rel.split('/')
    if (parts[0] !== 'risk_rules' || parts.length !== 2 || !YAML_EXT.test(parts[1] as string)) continue
    const parsed = parse(file)
    if (parsed.value === undefined) continue
    const t = isJsonObject(parsed.value) ? parsed.value.action_type : undefined
    const compiled = compileRiskRule(parsed.value, file.path)
    // A string action_type is checked against the taxonomy just below, with a precise message.
    at(file, typeof t === 'string' ? compiled.issues.filter((i) => i.code !== 'invalid_action_type') : compiled.issues, parsed.locate)
    riskRules.push({
      pack: packId,
      path: file.path,
      doc: parsed.value,
      text: file.text,
      locate: parsed.locate,
      ...(compiled.rule ? { compiled: compiled.rule } : {}),
    })
    if (typeof t === 'string') {
      const p = parseActionType(t)
      if (!p.ok) {
        const pos = parsed.locate(['action_type'])
        issues.push({ ...issue('invalid_action_type', ['action_type'], `invalid action_type '${t}': ${p.message}`, { key: 'action_type' }), file: file.path, ...(pos ? { line: pos.line, column: pos.column } : {}) })
      } else if (ruleTypes.has(t)) {
        issues.push({ ...issue('duplicate_risk_rule', ['action_type'], `a second risk rule for '${t}' (first in ${ruleTypes.get(t)})`), file: file.path })
      } else ruleTypes.set(t, file.path)
    }
    if (isJsonObject(parsed.value) && typeof t === 'string' && ALWAYS_HUMAN.has(t) && !hasGate(parsed.value)) {
      issues.push({ ...issue('missing_gate', [], `risk rule for always-human action '${t}' has no gate: mutation`), file: file.path })
    }
  }

  // Manifest coverage (warnings); listed types are checked against the whole set in loadPackSet.
  if (manifest && manifestFile) {
    const listed = new Set(manifest.actionTypes)
    const warn = (message: string): void => {
      issues.push({ ...issue('coverage', ['action_types'], message, { severity: 'warning' }), file: manifestFile.path })
    }
    for (const t of produced) if (!listed.has(t)) warn(`normalizers produce '${t}', which action_types does not list`)
    for (const t of ruleTypes.keys()) if (!listed.has(t)) warn(`a risk rule covers '${t}', which action_types does not list`)
  }

  return {
    id: packId,
    dir,
    ...(manifest ? { manifest } : {}),
    lockfile: lock ? 'verified' : 'absent',
    producedActionTypes: [...produced].sort(),
    ruleActionTypes: [...ruleTypes.keys()].sort(),
    files: own.map((o) => o.file.path),
  }
}

/**
 * Risk rules are global per action type, so a pack may list an action type that another pack of
 * the set produces or scores (Bash produces `db.*`, scored by the SQL pack's rules). Warn only for
 * listed types that no pack of the set produces, or that no pack of the set has a rule for.
 */
function unruledActionTypes(packs: readonly LoadedPack[]): ValidationIssue[] {
  const ruled = new Set(packs.flatMap((p) => p.ruleActionTypes))
  const produced = new Set(packs.flatMap((p) => p.producedActionTypes))
  const out: ValidationIssue[] = []
  for (const pack of packs) {
    const warn = (message: string): void => {
      out.push({
        ...issue('coverage', ['action_types'], message, { severity: 'warning' }),
        file: `${pack.dir === '' ? '' : `${pack.dir}/`}pack.yaml`,
      })
    }
    for (const t of pack.manifest?.actionTypes ?? []) {
      if (!produced.has(t)) warn(`action type '${t}' is listed but no normalizer in the set produces it`)
      if (!ruled.has(t)) warn(`action type '${t}' is listed but no pack in the set has a risk rule for it`)
    }
  }
  return out
}

/** Action types whose risk rule must carry a `gate:` somewhere. */
export const ALWAYS_HUMAN_ACTION_TYPES = [
  'email.set_forwarding', 'email.add_delegate', 'iam.create', 'iam.delete', 'iam.assign_role',
  'iam.revoke_role', 'iam.reset_password', 'iam.generate_api_key', 'secret.get', 'secret.create',
  'secret.update', 'secret.rotate', 'payment.charge', 'payment.transfer', 'payment.refund',
] as const
const ALWAYS_HUMAN: ReadonlySet<string> = new Set(ALWAYS_HUMAN_ACTION_TYPES)

function hasGate(doc: Record<string, unknown>): boolean {
  for (const key of ['rules', 'session_rules']) {
    const list = doc[key]
    if (!Array.isArray(list)) continue
    for (const rule of list) {
      const then = isJsonObject(rule) ? rule.then : undefined
      if (Array.isArray(then) && then.some((m) => isJsonObject(m) && Object.hasOwn(m, 'gate'))) return true
    }
  }
  return false
}
