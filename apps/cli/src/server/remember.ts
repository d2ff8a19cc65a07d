/**
 * The reviewer's scope on each approval (docs/serve.md "Approval scope"): how long a human's
 * decision is remembered in the policy cache.
 *
 * - `once`: this call only; nothing is cached.
 * - `call` (the default): every identical call (same norm hash), until decided-at + the human
 *   cache TTL.
 * - `session`: identical calls carrying the approval's `metadata.session_id`, until the same
 *   expiry; the cache row is keyed by (norm hash, `sessionKeyOf(session id)`).
 *
 * A decision that cannot be remembered (human verdict caching off, an unknown tool, an answer of
 * `human`) is `once`; asking for more is a 400 naming `scope`.
 */
import { hash } from 'node:crypto'
import type { ApprovalRecord } from '@permit0/approvals'
import { UNKNOWN_ACTION_TYPE, type Permission, type RememberedDecision, type RememberScope } from '@permit0/engine'
import { ServerError, ServerErrorCode } from './errors.ts'

export { describeRemember } from './remember-text.ts'

/** What `createResolutionEffects` needs to know about human verdict caching. */
export interface RememberSettings {
  /** Cache a human's Allow/Deny at all (`--no-cache-human-verdicts` turns it off). */
  readonly enabled: boolean
  readonly ttlMs: number
}

export interface ScopeOptions {
  readonly scopes: readonly RememberScope[]
  readonly default: RememberScope
  /** How long a `call` / `session` decision is remembered. */
  readonly rememberMs: number
}

export interface RememberPolicy {
  /** The scopes a reviewer may choose for `record`, and the preselected one. */
  options(record: ApprovalRecord): ScopeOptions
  /**
   * The remembered form of a decision on `record` made at `nowMs`; `requested` absent → the
   * default. Throws a 400 `ServerError` naming `scope` when `requested` is not available.
   */
  resolve(record: ApprovalRecord, permission: Permission, requested: RememberScope | undefined, nowMs: number): RememberedDecision
}

/**
 * The policy-cache key of a session: a hash, so any session id (however long) fits the key and
 * the cache holds no session ids.
 */
export const sessionKeyOf = (sessionId: string): string => hash('sha256', `permit0-session\u0000${sessionId}`, 'hex')

export function createRememberPolicy(settings: RememberSettings): RememberPolicy {
  const options = (record: ApprovalRecord): ScopeOptions => {
    if (!settings.enabled || record.action.actionType === UNKNOWN_ACTION_TYPE) {
      return { scopes: ['once'], default: 'once', rememberMs: 0 }
    }
    return {
      scopes: record.sessionId !== undefined ? ['once', 'call', 'session'] : ['once', 'call'],
      default: 'call',
      rememberMs: settings.ttlMs,
    }
  }
  return {
    options,
    resolve(record, permission, requested, nowMs) {
      const available = options(record)
      const scope = requested ?? available.default
      if (!available.scopes.includes(scope)) {
        const why =
          scope === 'session' && record.sessionId === undefined && available.scopes.length > 1
            ? 'the call carried no metadata.session_id'
            : !settings.enabled
              ? 'human verdicts are not cached (--no-cache-human-verdicts)'
              : 'a decision on an unknown tool answers that call only'
        throw new ServerError(
          ServerErrorCode.Validation,
          `scope: "${scope}" is not available for approval ${record.id}: ${why} (available: ${available.scopes.join(', ')})`,
          { issues: [{ path: 'scope', message: `"${scope}" is not available: ${why}` }] },
        )
      }
      // An answer of `human` decides nothing to remember.
      if (scope === 'once' || permission === 'human') return { scope: 'once' }
      return { scope, expiresAtMs: nowMs + available.rememberMs }
    },
  }
}
