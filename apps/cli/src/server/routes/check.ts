import { Hono } from 'hono'
import { CheckActionRequestSchema, CheckRequestSchema } from '@permit0/contracts'
import { ROLES, requireRole } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { parseJson } from '../validate.ts'

const wantsAsync = (prefer: string | undefined): boolean =>
  prefer !== undefined && /(^|[\s,;])respond-async($|[\s,;])/i.test(prefer)

/** `POST /check` and `POST /check_action`. */
export function checkRoutes(deps: Pick<AppDeps, 'decisions' | 'auth'>) {
  const guard = requireRole(deps, ROLES.check)
  return new Hono<AppEnv>()
    .post('/check', guard, async (c) => {
      const body = await parseJson(c, CheckRequestSchema)
      const outcome = await deps.decisions.check(body, {
        signal: c.req.raw.signal,
        respondAsync: wantsAsync(c.req.header('prefer')),
      })
      if (outcome.status === 202) c.header('Preference-Applied', 'respond-async')
      return c.json(outcome.body, outcome.status)
    })
    .post('/check_action', guard, async (c) => {
      const body = await parseJson(c, CheckActionRequestSchema)
      const outcome = await deps.decisions.checkAction(body, {
        signal: c.req.raw.signal,
        respondAsync: wantsAsync(c.req.header('prefer')),
      })
      if (outcome.status === 202) c.header('Preference-Applied', 'respond-async')
      return c.json(outcome.body, outcome.status)
    })
}
