import type { MiddlewareHandler } from 'hono'
import type { AppDeps } from './deps.ts'
import type { AppEnv } from './env.ts'
import { isLoopbackHost, tokensRequired } from './auth.ts'
import { ServerError, ServerErrorCode } from './errors.ts'
import { requestHeader } from './node-request.ts'

/** Public routes authenticated by their own signatures (signed approval links, Slack). */
export const NOTIFY_PREFIX = '/notify/'
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/**
 * Cross-site request forgery guards for the API. A web page the developer visits can send
 * "simple" cross-origin requests (text/plain, form bodies, no preflight) to 127.0.0.1; without
 * tokens such a request could decide an approval. So:
 * - bodies must be `application/json` (a browser preflights that, and we answer no CORS) → 415;
 * - while no token exists, a loopback server only answers `Host: localhost|127.x|[::1]`, so a
 *   DNS-rebound name cannot reach it from a page either → 403.
 */
export function requestGuards(deps: Pick<AppDeps, 'auth' | 'anyHost'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // `/notify/` routes (signed links, Slack) authenticate every request by its own signature and
    // are reached through --public-url, whatever Host that carries.
    if (deps.anyHost !== true && !c.req.path.startsWith(NOTIFY_PREFIX)) {
      const host = hostName(requestHeader(c, 'host') ?? '')
      if (!isLoopbackHost(host) && !(await tokensRequired(deps))) {
        throw new ServerError(
          ServerErrorCode.Forbidden,
          `Host '${host.slice(0, 100)}' is not served by a loopback daemon without API tokens (DNS rebinding protection): ` +
            'use http://127.0.0.1:<port> or create a token with `permit0 token create`',
        )
      }
    }
    if (WITH_BODY.has(c.req.method) && c.req.path.startsWith('/api/')) {
      const type = requestHeader(c, 'content-type') ?? ''
      if (!JSON_TYPE.test(type)) {
        throw new ServerError(
          ServerErrorCode.UnsupportedMediaType,
          `${c.req.method} ${c.req.path} needs Content-Type: application/json (got ${type === '' ? 'none' : `'${type.slice(0, 100)}'`})`,
        )
      }
    }
    return next()
  }
}

/** The host name of a `Host` header (`[::1]:9090` → `::1`, `localhost:9090` → `localhost`). */
function hostName(header: string): string {
  const bracket = /^\[([^\]]+)\]/.exec(header)
  if (bracket?.[1] !== undefined) return bracket[1]
  const colons = header.split(':').length - 1
  return colons === 1 ? (header.split(':')[0] ?? '') : header
}
