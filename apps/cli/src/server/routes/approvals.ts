import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import {
  ApprovalEventType,
  DecideRequestSchema,
  WaitQuerySchema,
  type ApprovalEvent,
  type ApprovalList,
  type CheckAccepted,
  type DecideResponse,
} from '@permit0/contracts'
import {
  ApprovalError,
  ApprovalErrorCode,
  type ApprovalQueue,
  type ApprovalQueueEvent,
  type ApprovalRecord,
} from '@permit0/approvals'
import { ROLES, requireRole } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { iso, toApprovalSummary, toCheckResponse, toRemember, toResolution } from '../mappers.ts'
import type { RememberPolicy } from '../remember.ts'
import { parseJson, parseQuery } from '../validate.ts'

const notFound = (id: string): ApprovalError =>
  new ApprovalError(ApprovalErrorCode.NotFound, `approval ${id} not found`, { id })

function toWireEvent(event: ApprovalQueueEvent, remember: RememberPolicy): ApprovalEvent {
  if (event.type === 'created') {
    return { type: ApprovalEventType.Created, approval: toApprovalSummary(event.record, remember.options(event.record)) }
  }
  return {
    type: ApprovalEventType.Resolved,
    approval_id: event.record.id,
    resolution: toResolution(
      event.record.resolution ?? { status: 'expired', resolvedAtMs: event.record.expiresAtMs },
    ),
  }
}

/** The approvals queue API: list, stream, get, long-poll wait, decide. */
export function approvalRoutes(
  deps: Pick<AppDeps, 'queue' | 'decisions' | 'metrics' | 'auth' | 'clock' | 'sseHeartbeatMs' | 'shutdown' | 'remember'>,
) {
  const summary = (record: ApprovalRecord) =>
    toApprovalSummary(record, record.status === 'pending' ? deps.remember.options(record) : undefined)
  const requireQueue = (id: string): ApprovalQueue => {
    if (deps.queue === undefined) throw notFound(id)
    return deps.queue
  }
  const read = requireRole(deps, ROLES.read)
  return new Hono<AppEnv>()
    .get('/', read, async (c) => {
      const pending = deps.queue === undefined ? [] : await deps.queue.listPending()
      return c.json({ approvals: pending.map(summary) } satisfies ApprovalList)
    })
    .post('/decide', requireRole(deps, ROLES.decide), async (c) => {
      const body = await parseJson(c, DecideRequestSchema)
      const started = performance.now()
      let outcome = 'error'
      try {
        // With tokens the reviewer is the token's name, never a field the client chooses; the
        // local reviewer of a tokenless daemon (the person at the dashboard) names themself.
        const principal = c.get('principal')
        const reviewer = principal === undefined || principal.local === true ? body.reviewer : principal.name
        const queue = requireQueue(body.approval_id)
        const pending = await queue.get(body.approval_id)
        if (pending === undefined) throw notFound(body.approval_id)
        // The reviewer's scope, checked against this approval (400 naming `scope` if unavailable).
        const remember = deps.remember.resolve(pending, body.permission, body.scope, deps.clock.now())
        const record = await queue.decide(body.approval_id, {
          permission: body.permission,
          ...(reviewer !== undefined && { reviewer }),
          ...(body.reason !== undefined && { reason: body.reason }),
          remember,
        })
        outcome = 'decided'
        return c.json({
          approval_id: record.id,
          resolution: toResolution(record.resolution ?? { status: 'decided', resolvedAtMs: deps.clock.now() }),
          remember: toRemember(record.resolution?.remember ?? remember),
        } satisfies DecideResponse)
      } catch (err) {
        if (err instanceof ApprovalError) outcome = err.code === ApprovalErrorCode.Conflict ? 'conflict' : 'not_found'
        throw err
      } finally {
        deps.metrics.decideDuration.observe({ outcome }, (performance.now() - started) / 1_000)
      }
    })
    .get('/stream', read, (c) => {
      const queue = deps.queue
      return streamSSE(c, async (stream) => {
        const signal = c.req.raw.signal
        let chain = Promise.resolve()
        const send = (event: ApprovalEvent): void => {
          chain = chain.then(() => stream.writeSSE({ event: event.type, data: JSON.stringify(event) })).catch(() => undefined)
        }
        const unsubscribe = queue?.subscribe((event) => send(toWireEvent(event, deps.remember))) ?? (() => undefined)
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ ok: true }) })
        let cancelBeat: () => void = () => undefined
        const beat = (): void => {
          cancelBeat = deps.clock.setTimeout(() => {
            chain = chain.then(() => stream.write(': keep-alive\n\n')).then(() => undefined).catch(() => undefined)
            beat()
          }, deps.sseHeartbeatMs ?? 15_000)
        }
        beat()
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve()
          signal.addEventListener('abort', () => resolve(), { once: true })
          deps.shutdown?.addEventListener('abort', () => resolve(), { once: true })
          if (deps.shutdown?.aborted === true) resolve()
          stream.onAbort(() => resolve())
        })
        cancelBeat()
        unsubscribe()
      })
    })
    .get('/:id', read, async (c) => {
      const id = c.req.param('id')
      const record = await requireQueue(id).get(id)
      if (record === undefined) throw notFound(id)
      return c.json(summary(record))
    })
    .get('/:id/wait', requireRole(deps, ROLES.wait), async (c) => {
      const id = c.req.param('id')
      const query = parseQuery(c, WaitQuerySchema)
      const result = await requireQueue(id).wait(id, { timeoutMs: query.timeout * 1_000, signal: c.req.raw.signal })
      if (result.status === 'resolved') return c.json(deps.decisions.outcomeOf(result.record))
      const record = result.record
      const body: CheckAccepted = {
        status: 'pending',
        approval_id: record.id,
        wait_url: `/api/v1/approvals/${record.id}/wait`,
        expires_at: iso(record.expiresAtMs),
        engine: toCheckResponse(
          { permission: record.enginePermission, source: record.engineSource, action: record.action, risk: record.risk },
          { approvalId: record.id },
        ),
      }
      return c.json(body, 202)
    })
}
