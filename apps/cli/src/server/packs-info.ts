import type { PackInfo, PackValidateResponse } from '@permit0/contracts'
import { loadPackSet, parseYaml, type PackSet, type ValidationIssue } from '@permit0/engine'

/** The loaded packs as `GET /api/v1/packs` lists them: normalizers and risk rules, read-only. */
export function describePacks(packSet: PackSet): PackInfo[] {
  return packSet.packs.map((pack) => {
    const normalizers = packSet.registry.normalizers.filter((n) => n.pack === pack.id)
    const channels = [...new Set(normalizers.map((n) => n.channel))].sort()
    return {
      name: pack.id,
      version: pack.manifest?.version ?? '0.0.0',
      ...(channels.length > 0 && { vendor: channels.join(', ') }),
      ...(pack.manifest?.description !== undefined && { description: pack.manifest.description }),
      normalizers: normalizers.map((n) => ({ id: n.id, action_type: n.actionType.name, channel: n.channel, priority: n.priority })),
      risk_rules: packSet.riskRules
        .filter((r) => r.pack === pack.id && r.compiled !== undefined)
        .map((r) => ({
          action_type: r.compiled!.actionType,
          flags: r.compiled!.baseFlags.map(([flag]) => flag),
          amplifiers: Object.fromEntries(r.compiled!.baseAmps),
        })),
    }
  })
}

/** Where a pasted file of each kind sits inside a one-pack layout. */
const PASTED_PATH = {
  manifest: 'pack.yaml',
  normalizer: 'normalizers/pasted/pasted.yaml',
  riskRule: 'risk_rules/pasted.yaml',
} as const

const MANIFEST = 'pack_format: 2\npermit0_pack: pasted/pack\nname: pasted\nversion: 0.0.0\naction_types: []\n'

function classify(doc: unknown): keyof typeof PASTED_PATH | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined
  const keys = new Set(Object.keys(doc))
  if (keys.has('normalize') || keys.has('match')) return 'normalizer'
  if (keys.has('pack_format') || (keys.has('name') && keys.has('version'))) return 'manifest'
  if (keys.has('action_type')) return 'riskRule'
  return undefined
}

const where = (i: ValidationIssue): string | undefined => {
  const path = i.path.length > 0 ? i.path.join('.') : undefined
  const line = i.line !== undefined ? `line ${i.line}${i.column !== undefined ? `:${i.column}` : ''}` : undefined
  return [line, path].filter((x) => x !== undefined).join(' ') || undefined
}

/**
 * Validates one pasted pack file (a `pack.yaml` manifest, a normalizer or a risk rule, told
 * apart by its keys) with the engine's own loader, as the only file of a throwaway pack. Never
 * touches the running engine. Warnings about the throwaway layout (no lockfile) are dropped.
 */
export function validatePackYaml(yaml: string): PackValidateResponse {
  const parsed = parseYaml(yaml)
  const syntax = parsed.issues.filter((i) => i.severity === 'error')
  if (syntax.length > 0 || parsed.value === undefined) {
    const errors = syntax.length > 0 ? syntax : [{ path: [], message: 'empty document', severity: 'error', code: 'empty' } as ValidationIssue]
    return { valid: false, errors: errors.map((i) => ({ ...(where(i) !== undefined && { path: where(i) }), message: i.message })) }
  }
  const kind = classify(parsed.value)
  if (kind === undefined) {
    return {
      valid: false,
      errors: [{ message: 'not a pack file: expected a manifest (pack_format, name, version), a normalizer (match, normalize) or a risk rule (action_type, base, rules)' }],
    }
  }
  const files = kind === 'manifest' ? [{ path: PASTED_PATH.manifest, text: yaml }] : [{ path: 'pack.yaml', text: MANIFEST }, { path: PASTED_PATH[kind], text: yaml }]
  const loaded = loadPackSet(files, { layout: 'single' })
  const errors = loaded.issues.filter((i) => i.severity === 'error' && (kind === 'manifest' || i.file !== 'pack.yaml'))
  return { valid: errors.length === 0, errors: errors.map((i) => ({ ...(where(i) !== undefined && { path: where(i) }), message: i.message })) }
}
