import { Hono } from 'hono'
import type { Health, Whoami } from '@permit0/contracts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { ROLES, requireRole, tokensRequired } from '../auth.ts'
import { ServerError, ServerErrorCode } from '../errors.ts'

/** `GET /health` (public, for load balancers: 503 when the store is down) and `GET /whoami`. */
export function healthRoutes(deps: Pick<AppDeps, 'store' | 'mode' | 'version' | 'auth'>) {
  return new Hono<AppEnv>()
    .get('/health', async (c) => {
      let store: Health['store']
      try {
        const h = await deps.store.health()
        store = { ok: h.ok, kind: h.kind, ...(h.error !== undefined && { error: h.error }) }
      } catch (err) {
        store = { ok: false, kind: deps.store.kind, error: err instanceof Error ? err.message : String(err) }
      }
      const body: Health = {
        ok: store.ok,
        service: 'permit0',
        version: deps.version,
        mode: { ui: deps.mode.ui, calibrate: deps.mode.calibrate },
        store,
      }
      return c.json(body, store.ok ? 200 : 503)
    })
    .get('/whoami', requireRole(deps, [...ROLES.wait]), async (c) => {
      const principal = c.get('principal')
      if (principal === undefined && deps.auth?.reviewer !== undefined && !(await tokensRequired(deps))) {
        // A tokenless daemon with a reviewer secret: without it (or a session) the caller is no reviewer.
        throw new ServerError(ServerErrorCode.Unauthorized, 'not signed in: open the login link `permit0 serve --ui` printed')
      }
      // `auth: false` = no API tokens (the local reviewer or an unauthenticated app): the dashboard asks a name.
      const body: Whoami =
        principal === undefined || principal.local === true
          ? { role: 'admin', auth: false }
          : { name: principal.name, role: principal.role, auth: true }
      return c.json(body)
    })
}
