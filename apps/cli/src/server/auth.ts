import { hash } from 'node:crypto'
import { isIP } from 'node:net'
import type { Context, MiddlewareHandler } from 'hono'
import type { Clock } from '@permit0/approvals'
import type { AppDeps, Authenticator, Role } from './deps.ts'
import type { AppEnv } from './env.ts'
import { ServerError, ServerErrorCode } from './errors.ts'
import { requestCookie, requestHeader } from './node-request.ts'
import { LOCAL_REVIEWER, SESSION_COOKIE, type ReviewerAuth } from './reviewer-auth.ts'

/**
 * Who may call what (product §3.8): agents only check (and wait on their own parked checks,
 * replay fail-open events), viewers read, approvers read and decide, admins do everything.
 * `/check_action` (the caller names the action type, skipping normalization) is admin only.
 * Without API tokens, routes open to `agent` stay open on loopback and every other route needs
 * the local reviewer secret or a dashboard session (admin).
 */
export const ROLES = {
  check: ['agent', 'admin'],
  checkAction: ['admin'],
  wait: ['agent', 'viewer', 'approver', 'admin'],
  read: ['viewer', 'approver', 'admin'],
  decide: ['approver', 'admin'],
  manage: ['admin'],
} as const satisfies Record<string, readonly Role[]>

const BEARER = /^Bearer\s+(\S+)\s*$/i

const REVIEWER_HINT =
  'this daemon has no API tokens: deciding, reading and admin routes need the local reviewer secret ' +
  '(Authorization: Bearer <contents of <data dir>/reviewer-token>) or a dashboard session from the login link `permit0 serve --ui` prints'

/** True when API tokens are in force (then roles apply); false while none exists. */
export async function tokensRequired(deps: Pick<AppDeps, 'auth'>): Promise<boolean> {
  const auth = deps.auth
  if (auth === undefined) return false
  return auth.required === undefined ? true : auth.required()
}

/**
 * The local reviewer behind a request of a tokenless daemon: the reviewer secret as bearer token,
 * or a live dashboard session cookie. `undefined` when neither is presented or valid.
 */
function localReviewer(c: Context<AppEnv>, reviewer: ReviewerAuth): { name: string; role: Role; local: true } | undefined {
  const principal = { name: LOCAL_REVIEWER, role: 'admin', local: true } as const
  const secret = BEARER.exec(requestHeader(c, 'authorization') ?? '')?.[1]
  if (secret !== undefined && reviewer.verifySecret(secret)) return principal
  const session = requestCookie(c, SESSION_COOKIE)
  if (session !== undefined && reviewer.verifySession(session)) return principal
  return undefined
}

/** Authenticates the bearer token (when tokens are in use) and checks its role. */
export function requireRole(deps: Pick<AppDeps, 'auth'>, allowed: readonly Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = deps.auth
    if (auth === undefined) return next()
    if (auth.required !== undefined && !(await auth.required())) {
      // No API token: only a human holding the local reviewer secret gets past the agent routes.
      if (auth.reviewer === undefined) return next()
      const principal = localReviewer(c, auth.reviewer)
      if (principal !== undefined) c.set('principal', principal)
      else if (!allowed.includes('agent')) throw new ServerError(ServerErrorCode.Unauthorized, REVIEWER_HINT)
      return next()
    }
    const header = requestHeader(c, 'authorization')
    if (header === undefined || header === '') {
      throw new ServerError(ServerErrorCode.Unauthorized, 'missing bearer token (Authorization: Bearer <token>)')
    }
    const secret = BEARER.exec(header)?.[1]
    if (secret === undefined) {
      throw new ServerError(ServerErrorCode.Unauthorized, 'malformed Authorization header (expected "Bearer <token>")')
    }
    const principal = await auth.verify(secret)
    if (principal === undefined) throw new ServerError(ServerErrorCode.Unauthorized, 'invalid or revoked token')
    if (!allowed.includes(principal.role)) {
      throw new ServerError(
        ServerErrorCode.Forbidden,
        `role '${principal.role}' may not call ${c.req.method} ${c.req.path} (needs ${allowed.join(' or ')})`,
      )
    }
    c.set('principal', principal)
    return next()
  }
}

/**
 * True when the caller may choose server-owned context (`org_domain`, a replayed action type): an
 * admin token, the reviewer secret of a tokenless daemon, or an app built without authentication.
 */
export function isAdmin(deps: Pick<AppDeps, 'auth'>, c: Context<AppEnv>): boolean {
  return deps.auth === undefined || c.get('principal')?.role === 'admin'
}

export interface TokenAuthenticatorOptions {
  readonly tokens: {
    list(): Promise<ReadonlyArray<{ readonly revokedAtMs?: number }>>
    verify(secret: string): Promise<{ name: string; role: Role } | undefined>
  }
  readonly clock: Pick<Clock, 'now'>
  /** Tokens existed at startup: authentication is on from the first request. */
  readonly required: boolean
  /** While no token exists, how often to look again (a token created by another process). Default 1 s. */
  readonly recheckMs?: number
  /** How long a verified token is trusted without asking the store. Default 5 s; 0 = never cached. */
  readonly cacheTtlMs?: number
  readonly cacheMaxEntries?: number
}

export const TOKEN_CACHE_TTL_MS = 5_000

/** Token authentication with a short cache of verified tokens, evicted on revocation. */
export interface TokenAuthenticator extends Authenticator {
  /** A token was revoked (here or on another replica, through the store's change feed). */
  revoked(name: string): void
  /** Change feed lost: forget every verified token and ask the store each time until `resume`. */
  suspend(): void
  resume(): void
}

/**
 * Token authentication over the store. Once any token exists, authentication stays on for the
 * life of the process (revoking every token does not open the server again: fail closed).
 */
export function createTokenAuthenticator(options: TokenAuthenticatorOptions): TokenAuthenticator {
  const recheckMs = options.recheckMs ?? 1_000
  const ttlMs = options.cacheTtlMs ?? TOKEN_CACHE_TTL_MS
  const maxEntries = Math.max(1, options.cacheMaxEntries ?? 1_000)
  /** SHA-256 of the secret → principal (only verified tokens; an unknown secret is never cached). */
  const verified = new Map<string, { readonly principal: { name: string; role: Role }; readonly expiresAtMs: number }>()
  /** Bumped by every eviction: a verification in flight across one is not cached. */
  let epoch = 0
  let caching = ttlMs > 0
  const forget = (): void => {
    epoch++
    verified.clear()
  }
  let required = options.required
  let checkedAtMs = options.clock.now()
  let pending: Promise<boolean> | undefined
  return {
    required() {
      if (required) return Promise.resolve(true)
      if (options.clock.now() - checkedAtMs < recheckMs) return Promise.resolve(false)
      pending ??= options.tokens
        .list()
        .then((tokens) => {
          checkedAtMs = options.clock.now()
          required = tokens.some((t) => t.revokedAtMs === undefined)
          return required
        })
        .finally(() => {
          pending = undefined
        })
      return pending
    },
    async verify(secret) {
      if (!caching) return options.tokens.verify(secret)
      const key = hash('sha256', secret, 'hex')
      const now = options.clock.now()
      const hit = verified.get(key)
      if (hit !== undefined && hit.expiresAtMs > now) return hit.principal
      verified.delete(key)
      const started = epoch
      const principal = await options.tokens.verify(secret)
      if (principal !== undefined && caching && started === epoch) {
        if (verified.size >= maxEntries) verified.delete(verified.keys().next().value as string)
        verified.set(key, { principal, expiresAtMs: now + ttlMs })
      }
      return principal
    },
    revoked(name) {
      epoch++
      for (const [key, entry] of verified) if (entry.principal.name === name) verified.delete(key)
    },
    suspend() {
      caching = false
      forget()
    },
    resume() {
      forget()
      caching = ttlMs > 0
    },
  }
}

/** True for addresses only this machine can reach (`localhost`, 127.0.0.0/8, ::1). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1') return true
  if (isIP(h) === 4) return h.startsWith('127.')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)
  return mapped?.[1] !== undefined && mapped[1].startsWith('127.')
}
