import { Hono } from 'hono'
import {
  ListAddRequestSchema,
  ListKindSchema,
  ListRemoveRequestSchema,
  type ListEntry,
  type Stats,
} from '@permit0/contracts'
import type { PolicyListKind } from '@permit0/store'
import { ROLES, requireRole } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { ServerError, ServerErrorCode } from '../errors.ts'
import { iso } from '../mappers.ts'
import { parseJson } from '../validate.ts'

const LIST_OF = { allowlist: 'allow', denylist: 'deny' } as const satisfies Record<string, PolicyListKind>

function listKind(raw: string): PolicyListKind {
  const parsed = ListKindSchema.safeParse(raw)
  if (!parsed.success) {
    throw new ServerError(ServerErrorCode.NotFound, `unknown list '${raw}' (expected allowlist or denylist)`)
  }
  return LIST_OF[parsed.data]
}

/** Allow/deny lists (`/lists/{allowlist|denylist}`) and dashboard stats. */
export function policyRoutes(deps: Pick<AppDeps, 'store' | 'queue' | 'auth' | 'clock'>) {
  const read = requireRole(deps, ROLES.read)
  const manage = requireRole(deps, ROLES.manage)
  return new Hono<AppEnv>()
    .get('/lists/:kind', read, async (c) => {
      const entries = await deps.store.policy.listEntries(listKind(c.req.param('kind')))
      const body: ListEntry[] = entries.map((e) => ({
        norm_hash: e.normHash,
        reason: e.reason,
        created_at: iso(e.createdAtMs),
      }))
      return c.json({ entries: body })
    })
    .post('/lists/:kind', manage, async (c) => {
      const list = listKind(c.req.param('kind'))
      const body = await parseJson(c, ListAddRequestSchema)
      const saved = await deps.store.policy.listUpsert({
        list,
        normHash: body.norm_hash,
        reason: body.reason,
        createdBy: c.get('principal')?.name ?? 'api',
        createdAtMs: deps.clock.now(),
      })
      return c.json({ norm_hash: saved.normHash, reason: saved.reason, created_at: iso(saved.createdAtMs) } satisfies ListEntry, 201)
    })
    .delete('/lists/:kind', manage, async (c) => {
      const list = listKind(c.req.param('kind'))
      const body = await parseJson(c, ListRemoveRequestSchema)
      const removed = await deps.store.policy.listDelete(list, body.norm_hash)
      return c.json({ removed })
    })
    .get('/stats', read, async (c) => {
      const summary = await deps.store.stats.summary()
      const pending = await deps.store.approvals.countPending()
      const body: Stats & { per_minute: { minute: string; count: number }[] } = {
        total_decisions: summary.total,
        allow_count: summary.byPermission.allow,
        deny_count: summary.byPermission.deny,
        human_count: summary.humanCount,
        fallback_count: summary.fallbackCount,
        tier_distribution: { ...summary.byTier },
        pending_approvals: pending,
        per_minute: summary.perMinute.map((m) => ({ minute: iso(m.minuteMs), count: m.count })),
      }
      return c.json(body)
    })
}
