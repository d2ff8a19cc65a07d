import { Hono } from 'hono'
import { PackValidateRequestSchema, type PackInfo } from '@permit0/contracts'
import { ROLES, requireRole } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { validatePackYaml } from '../packs-info.ts'
import { parseJson } from '../validate.ts'

/**
 * `GET /packs` (the loaded packs, read-only) and `POST /packs/validate` (checks pasted YAML with
 * the engine's loader; the running engine never changes). Both are reads: viewer, approver, admin.
 */
export function packRoutes(deps: Pick<AppDeps, 'packs' | 'auth'>) {
  const read = requireRole(deps, ROLES.read)
  return new Hono<AppEnv>()
    .get('/', read, (c) => c.json({ packs: (deps.packs ?? []) as PackInfo[] }))
    .post('/validate', read, async (c) => {
      const body = await parseJson(c, PackValidateRequestSchema)
      return c.json(validatePackYaml(body.yaml))
    })
}
