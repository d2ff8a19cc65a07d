/** `pack.yaml` (schema v2) and `_source.yaml` validation. */
import { isJsonObject } from '../conditions/values.ts'
import type { ValidationIssue } from '../errors.ts'
import { parseActionType } from '../taxonomy/taxonomy.ts'
import { DocReader } from './doc-checks.ts'

export const TrustTier = {
  BuiltIn: 'built-in',
  Verified: 'verified',
  Community: 'community',
  Experimental: 'experimental',
} as const
export type TrustTier = (typeof TrustTier)[keyof typeof TrustTier]

export interface PackManifest {
  readonly packFormat: number
  readonly permit0Pack: string
  readonly name: string
  readonly version: string
  readonly description?: string
  readonly actionTypes: readonly string[]
  readonly declaredTrustTier?: TrustTier
  /** Derived from the owner: `permit0` → built-in, anything else → community. */
  readonly trustTier: TrustTier
}

const MANIFEST_KEYS = [
  'pack_format', 'name', 'version', 'permit0_pack', 'description', 'homepage', 'license',
  'permit0_engine', 'taxonomy', 'action_types', 'maintainers', 'sources', 'trust_tier',
  'signature', 'provenance', 'content_hash', 'normalizers', 'risk_rules', 'vendor',
  'min_engine_version',
]
const SOURCE_KEYS = ['source', 'display_name', 'mcp_server', 'auth', 'api_docs', 'tool_pattern', 'maintainers']

export function derivedTrustTier(permit0Pack: string): TrustTier {
  const slash = permit0Pack.indexOf('/')
  return slash > 0 && permit0Pack.slice(0, slash) === 'permit0' ? TrustTier.BuiltIn : TrustTier.Community
}

export function parseManifest(doc: unknown): { manifest?: PackManifest; issues: readonly ValidationIssue[] } {
  const r = new DocReader()
  const root = r.mapping(doc, [], 'pack.yaml')
  if (!root) return { issues: r.issues }
  r.keys(root, MANIFEST_KEYS, [], 'pack.yaml')
  const permit0Pack = r.string(root, 'permit0_pack', [], true)
  const name = r.string(root, 'name', [], true)
  const version = r.string(root, 'version', [], true)
  const description = r.string(root, 'description', [], false)
  for (const k of ['homepage', 'license', 'permit0_engine', 'taxonomy', 'signature', 'provenance', 'content_hash', 'min_engine_version']) {
    r.string(root, k, [], false)
  }
  r.stringList(root, 'normalizers', [], false)
  r.stringList(root, 'risk_rules', [], false)
  if (Object.hasOwn(root, 'maintainers') && !Array.isArray(root.maintainers)) {
    r.error('invalid_type', ['maintainers'], `'maintainers' must be a list`, 'maintainers')
  }
  if (Object.hasOwn(root, 'sources') && !isJsonObject(root.sources)) {
    r.error('invalid_type', ['sources'], `'sources' must be a mapping of source slug to {mcp_server, display_name}`, 'sources')
  }
  const packFormat = root.pack_format
  if (packFormat !== 2) {
    r.error('schema_version', ['pack_format'], packFormat === undefined ? `missing 'pack_format' (must be 2)` : `pack_format must be 2, got ${JSON.stringify(packFormat)}`, 'pack_format')
  }
  if (Object.hasOwn(root, 'vendor')) {
    r.error('legacy_vendor_field', ['vendor'], `'vendor' is a legacy v1 field; describe vendors under 'sources'`, 'vendor')
  }
  const actionTypes = r.stringList(root, 'action_types', [], false) ?? []
  actionTypes.forEach((t, i) => {
    const p = parseActionType(t)
    if (!p.ok) r.error('unknown_action_type', ['action_types', i], `invalid action type '${t}': ${p.message}`)
  })
  const declared = r.string(root, 'trust_tier', [], false)
  let declaredTrustTier: TrustTier | undefined
  if (declared !== undefined) {
    if ((Object.values(TrustTier) as string[]).includes(declared)) declaredTrustTier = declared as TrustTier
    else r.error('invalid_trust_tier', ['trust_tier'], `trust_tier must be one of ${Object.values(TrustTier).join(', ')}, got '${declared}'`, 'trust_tier')
  }
  let trustTier: TrustTier = TrustTier.Community
  if (permit0Pack !== undefined) {
    const slash = permit0Pack.indexOf('/')
    if (slash <= 0 || slash === permit0Pack.length - 1) {
      r.error('malformed_permit0_pack', ['permit0_pack'], `permit0_pack must be '<owner>/<name>', got '${permit0Pack}'`, 'permit0_pack')
    } else {
      trustTier = derivedTrustTier(permit0Pack)
      if (declaredTrustTier !== undefined && declaredTrustTier !== trustTier) {
        r.error('trust_tier_mismatch', ['trust_tier'], `declared trust_tier '${declaredTrustTier}' but owner '${permit0Pack.slice(0, slash)}' gives '${trustTier}'`, 'trust_tier')
      }
    }
  }
  if (r.issues.some((i) => i.severity === 'error') || permit0Pack === undefined || name === undefined || version === undefined) {
    return { issues: r.issues }
  }
  return {
    issues: r.issues,
    manifest: {
      packFormat: 2,
      permit0Pack,
      name,
      version,
      ...(description === undefined ? {} : { description }),
      actionTypes,
      ...(declaredTrustTier === undefined ? {} : { declaredTrustTier }),
      trustTier,
    },
  }
}

export interface SourceManifest {
  readonly toolPattern?: string
}

export function parseSourceManifest(doc: unknown): { source?: SourceManifest; issues: readonly ValidationIssue[] } {
  const r = new DocReader()
  const root = r.mapping(doc, [], '_source.yaml')
  if (!root) return { issues: r.issues }
  r.keys(root, SOURCE_KEYS, [], '_source.yaml')
  for (const k of ['source', 'display_name', 'mcp_server', 'auth', 'api_docs']) r.string(root, k, [], false)
  r.stringList(root, 'maintainers', [], false)
  const toolPattern = r.string(root, 'tool_pattern', [], false)
  return { issues: r.issues, source: toolPattern === undefined ? {} : { toolPattern } }
}
