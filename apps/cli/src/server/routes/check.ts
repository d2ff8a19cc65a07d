import { Hono, type Context } from 'hono'
import { CheckActionRequestSchema, CheckRequestSchema, createCheckRequestSchemas, type CheckRequest } from '@permit0/contracts'
import { isAdmin, ROLES, requireRole } from '../auth.ts'
import { lazyRequestSignal } from '../body.ts'
import type { CallOptions } from '../decision-service.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requestHeader } from '../node-request.ts'
import { parseJson, PLAIN_JSON } from '../validate.ts'

/** The check schemas for a body already found plain JSON (`parseJson`): no second walk of the parameters. */
const PLAIN = createCheckRequestSchemas(PLAIN_JSON)

const wantsAsync = (prefer: string | undefined): boolean =>
  prefer !== undefined && /(^|[\s,;])respond-async($|[\s,;])/i.test(prefer)

/** The call's options: `Prefer: respond-async`, and the client-gone signal (made only if read: parking). */
function callOptions(c: Context<AppEnv>): CallOptions {
  const lazy = lazyRequestSignal(c)
  return {
    get signal() {
      return lazy.signal
    },
    respondAsync: wantsAsync(requestHeader(c, 'prefer')),
  }
}

/** `?trace=1` (or `true`) asks for the decision trace, like `"trace": true` in the body. */
const withTraceQuery = <T extends { trace?: boolean }>(body: T, query: string | undefined): T =>
  query !== undefined && /^(1|true|yes)$/i.test(query) ? { ...body, trace: true } : body

/**
 * The server owns the context: a request's `org_domain` is honoured only from an admin (an admin
 * token, or the reviewer secret on a tokenless daemon; or an app built without authentication).
 * Anyone else's is dropped and the server's `--org-domain` applies, so an agent cannot make an
 * external recipient internal.
 */
export function ownedContext(request: CheckRequest, admin: boolean): CheckRequest {
  if (admin || request.org_domain === undefined) return request
  const { org_domain: _ignored, ...rest } = request
  return rest
}

/** `POST /check` (agents) and `POST /check_action` (admins: the caller names the action type). */
export function checkRoutes(deps: Pick<AppDeps, 'decisions' | 'auth'>) {
  return new Hono<AppEnv>()
    .post('/check', requireRole(deps, ROLES.check), async (c) => {
      const body = withTraceQuery(ownedContext(await parseJson(c, CheckRequestSchema, PLAIN.CheckRequestSchema), isAdmin(deps, c)), c.req.query('trace'))
      const outcome = await deps.decisions.check(body, callOptions(c))
      if (outcome.status === 202) c.header('Preference-Applied', 'respond-async')
      return c.json(outcome.body, outcome.status)
    })
    .post('/check_action', requireRole(deps, ROLES.checkAction), async (c) => {
      const body = withTraceQuery(await parseJson(c, CheckActionRequestSchema, PLAIN.CheckActionRequestSchema), c.req.query('trace'))
      const outcome = await deps.decisions.checkAction(body, callOptions(c))
      if (outcome.status === 202) c.header('Preference-Applied', 'respond-async')
      return c.json(outcome.body, outcome.status)
    })
}
