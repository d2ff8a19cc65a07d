import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { ROLES, requireRole, tokensRequired } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { ServerError, ServerErrorCode } from '../errors.ts'
import { iso } from '../mappers.ts'
import { LOGIN_PATH, SESSION_COOKIE, SESSION_TTL_MS, type ReviewerAuth } from '../reviewer-auth.ts'

/**
 * Dashboard sessions of a daemon without API tokens: `GET /login?code=` exchanges a one-time
 * code (the link `serve --ui` prints) for an HttpOnly, SameSite=Strict session cookie and
 * redirects to the dashboard; `POST /link` (reviewer secret) mints a new link; `POST /logout`.
 */
export function sessionRoutes(deps: Pick<AppDeps, 'auth'>) {
  const reviewerOf = async (): Promise<ReviewerAuth> => {
    const reviewer = deps.auth?.reviewer
    if (reviewer === undefined || (await tokensRequired(deps))) {
      throw new ServerError(
        ServerErrorCode.NotFound,
        'login links exist only on a daemon without API tokens; sign in to the dashboard with your API token',
      )
    }
    return reviewer
  }
  return new Hono<AppEnv>()
    .get('/login', async (c) => {
      const reviewer = await reviewerOf()
      const session = reviewer.exchange(c.req.query('code') ?? '')
      c.header('Cache-Control', 'no-store')
      if (session === undefined) {
        throw new ServerError(
          ServerErrorCode.Unauthorized,
          'this login link is invalid, used or expired: run `permit0 login` (or restart `permit0 serve --ui`) for a new one',
        )
      }
      setCookie(c, SESSION_COOKIE, session.sessionId, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        maxAge: Math.floor(SESSION_TTL_MS / 1_000),
      })
      return c.redirect('/ui/', 303)
    })
    .post('/link', requireRole(deps, ROLES.manage), async (c) => {
      const reviewer = await reviewerOf()
      const { code, expiresAtMs } = reviewer.newLoginCode()
      const origin = new URL(c.req.url).origin
      return c.json({ login_url: `${origin}${LOGIN_PATH}?code=${code}`, expires_at: iso(expiresAtMs) })
    })
    .post('/logout', (c) => {
      const session = getCookie(c, SESSION_COOKIE)
      if (session !== undefined) deps.auth?.reviewer?.endSession(session)
      deleteCookie(c, SESSION_COOKIE, { path: '/' })
      return c.json({ ok: true })
    })
}
