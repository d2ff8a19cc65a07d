import type { MiddlewareHandler } from 'hono'
import type { AppDeps, Role } from './deps.ts'
import type { AppEnv } from './env.ts'
import { ServerError, ServerErrorCode } from './errors.ts'

/** Who may call what (product §3.8): agents only check, approvers decide, admins manage. */
export const ROLES = {
  check: ['agent', 'admin'],
  wait: ['agent', 'viewer', 'approver', 'admin'],
  read: ['viewer', 'approver', 'admin'],
  decide: ['approver', 'admin'],
  manage: ['admin'],
} as const satisfies Record<string, readonly Role[]>

/** Authenticates the bearer token (when tokens are configured) and checks its role. */
export function requireRole(deps: Pick<AppDeps, 'auth'>, allowed: readonly Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (deps.auth === undefined) return next()
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    if (match?.[1] === undefined) {
      throw new ServerError(ServerErrorCode.Unauthorized, 'missing bearer token (Authorization: Bearer <token>)')
    }
    const principal = await deps.auth.verify(match[1].trim())
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
