import { Hono } from 'hono'
import { z } from 'zod'
import type { AuditEntry as WireAuditEntry, CalibrationStats } from '@permit0/contracts'
import { ROLES, requireRole } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { toWireAuditEntry } from '../mappers.ts'
import { parseQuery } from '../validate.ts'

const RecordsQuerySchema = z.object({
  agreement: z.enum(['matched', 'overridden']).optional(),
  reviewer: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(500),
})

const agrees = (e: WireAuditEntry): boolean | undefined =>
  e.engine_permission === undefined ? undefined : e.engine_permission === e.permission

const topCounts = <K extends string>(counts: Map<string, number>, key: K) =>
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 10)
    .map(([name, count]) => ({ [key]: name, count }) as Record<K, string> & { count: number })

/** Human decisions next to the engine's verdicts (calibration records and agreement). */
export function calibrationRoutes(deps: Pick<AppDeps, 'store' | 'auth'>) {
  const read = requireRole(deps, ROLES.read)
  const humanDecisions = async (limit: number): Promise<WireAuditEntry[]> =>
    (await deps.store.audit.list({ kind: 'human_decision', limit })).entries.map(toWireAuditEntry)

  return new Hono<AppEnv>()
    .get('/stats', read, async (c) => {
      const records = await humanDecisions(1_000)
      const byReviewer = new Map<string, number>()
      const overriddenActions = new Map<string, number>()
      let matched = 0
      let overridden = 0
      for (const r of records) {
        byReviewer.set(r.reviewer ?? '', (byReviewer.get(r.reviewer ?? '') ?? 0) + 1)
        const agreement = agrees(r)
        if (agreement === true) matched++
        if (agreement === false) {
          overridden++
          overriddenActions.set(r.action_type, (overriddenActions.get(r.action_type) ?? 0) + 1)
        }
      }
      const body: CalibrationStats = {
        total: records.length,
        matched,
        overridden,
        agreement_rate: records.length === 0 ? null : matched / records.length,
        by_reviewer: topCounts(byReviewer, 'reviewer'),
        most_overridden_actions: topCounts(overriddenActions, 'action_type'),
      }
      return c.json(body)
    })
    .get('/records', read, async (c) => {
      const q = parseQuery(c, RecordsQuerySchema)
      const records = (await humanDecisions(q.limit)).filter(
        (r) =>
          (q.reviewer === undefined || r.reviewer === q.reviewer) &&
          (q.agreement === undefined || agrees(r) === (q.agreement === 'matched')),
      )
      return c.json({ records })
    })
}
