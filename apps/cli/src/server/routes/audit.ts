import { Hono } from 'hono'
import { stream } from 'hono/streaming'
import {
  AuditExportQuerySchema,
  AuditSourceSchema,
  AuditQuerySchema,
  type AuditPage,
  type AuditVerify,
} from '@permit0/contracts'
import { auditCsvLines, type AuditSource } from '@permit0/store'
import { ServerError, ServerErrorCode } from '../errors.ts'
import { ROLES, requireRole } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { toWireAuditEntry } from '../mappers.ts'
import { parseQuery } from '../validate.ts'

const AUDIT_SOURCES: ReadonlySet<string> = new Set(AuditSourceSchema.options)

function auditSource(value: string): AuditSource {
  if (!AUDIT_SOURCES.has(value)) {
    throw new ServerError(ServerErrorCode.Validation, `invalid query: source: unknown decision source '${value}'`, {
      issues: [{ path: 'source', message: `expected one of ${[...AUDIT_SOURCES].join(', ')}` }],
    })
  }
  return value as AuditSource
}

/** The audit log: filtered newest-first pages, oldest-first export, chain verification. */
export function auditRoutes(deps: Pick<AppDeps, 'store' | 'auth'>) {
  const read = requireRole(deps, ROLES.read)
  return new Hono<AppEnv>()
    .get('/', read, async (c) => {
      const q = parseQuery(c, AuditQuerySchema)
      const page = await deps.store.audit.list({
        ...(q.action_type !== undefined && { actionType: q.action_type }),
        ...(q.decision !== undefined && { decision: q.decision }),
        ...(q.source !== undefined && { decisionSource: auditSource(q.source) }),
        ...(q.session_id !== undefined && { sessionId: q.session_id }),
        ...(q.since !== undefined && { sinceMs: Date.parse(q.since) }),
        ...(q.until !== undefined && { untilMs: Date.parse(q.until) }),
        limit: q.limit,
        ...(q.cursor !== undefined && { cursor: q.cursor }),
      })
      return c.json({
        entries: page.entries.map(toWireAuditEntry),
        ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
      } satisfies AuditPage)
    })
    .get('/export', read, (c) => {
      const { format } = parseQuery(c, AuditExportQuerySchema)
      c.header('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
      c.header('Content-Disposition', `attachment; filename="permit0-audit.${format}"`)
      return stream(c, async (out) => {
        if (format === 'csv') {
          for await (const line of auditCsvLines(deps.store.audit.export())) await out.write(line)
          return
        }
        // The stored (signed) JSON of each entry, oldest first, so `permit0 audit verify` checks
        // hashes, signatures and links in file order.
        let batch = ''
        for await (const line of deps.store.audit.exportLines()) {
          batch += `${line}\n`
          if (batch.length >= 64 * 1024) {
            await out.write(batch)
            batch = ''
          }
        }
        if (batch !== '') await out.write(batch)
      })
    })
    .get('/verify', read, async (c) => {
      const result = await deps.store.audit.verify()
      const body: AuditVerify = result.ok
        ? { ok: true, checked: result.checked }
        : {
            ok: false,
            checked: result.checked,
            ...(result.failure.sequence !== undefined && { first_bad_sequence: result.failure.sequence }),
            error: result.failure.reason,
          }
      return c.json(body)
    })
}
