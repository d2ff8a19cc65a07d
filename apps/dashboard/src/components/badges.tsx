/** Small coloured labels for permissions and tiers. */

const PERMISSION_LABEL = { allow: 'Allow', deny: 'Deny', human: 'Human' } as const

/**
 * Normalizes the spellings seen on the wire (`allow`, `Allow`, `HumanInTheLoop`, `human`) to one
 * of the three permissions, or `undefined` when the value is none of them.
 */
export function toPermission(value: string | null | undefined): 'allow' | 'deny' | 'human' | undefined {
  const v = value?.toLowerCase()
  if (v === 'allow' || v === 'deny') return v
  if (v === 'human' || v === 'humanintheloop') return 'human'
  return undefined
}

/** A human verdict from `UnknownFallback` means permit0 had no opinion: shown as "Bypass". */
export function isBypass(permission: string | null | undefined, source: string | null | undefined) {
  const s = source?.toLowerCase()
  return toPermission(permission) === 'human' && (s === 'unknownfallback' || s === 'unknown_fallback')
}

export function PermissionBadge(props: { permission: string | null | undefined; source?: string | null }) {
  const p = toPermission(props.permission)
  if (p === undefined) return <span className="badge badge-neutral">{props.permission ?? '—'}</span>
  if (isBypass(p, props.source)) {
    return (
      <span className="badge badge-bypass" title="No matching pack: permit0 deferred to the host">
        Bypass
      </span>
    )
  }
  return <span className={`badge badge-${p}`}>{PERMISSION_LABEL[p]}</span>
}

export function TierBadge(props: { tier: string | null | undefined }) {
  if (!props.tier) return <span className="muted">—</span>
  return <span className={`badge tier-${props.tier.toLowerCase()}`}>{props.tier.toUpperCase()}</span>
}
