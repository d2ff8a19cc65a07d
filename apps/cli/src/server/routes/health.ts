import { Hono } from 'hono'
import type { Health, Whoami } from '@permit0/contracts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { ROLES, requireRole } from '../auth.ts'

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
    .get('/whoami', requireRole(deps, [...ROLES.wait]), (c) => {
      const principal = c.get('principal')
      const body: Whoami =
        principal === undefined ? { role: 'admin', auth: false } : { name: principal.name, role: principal.role, auth: true }
      return c.json(body)
    })
}
