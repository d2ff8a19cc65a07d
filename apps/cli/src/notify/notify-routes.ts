import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApprovalError, ApprovalErrorCode, type ApprovalQueue, type ApprovalRecord, type Clock } from '@permit0/approvals'
import type { LinkNonceRepository } from '@permit0/store'
import type { Logger } from 'pino'
import type { AppEnv } from '../server/env.ts'
import { toRemember } from '../server/mappers.ts'
import { describeRemember, type RememberPolicy } from '../server/remember.ts'
import { renderConfirmPage, renderMessagePage } from './confirm-page.ts'
import type { LinkClaims, LinkSigner } from './links.ts'
import { summarize } from './notifier.ts'
import { messageRefOf, SLACK_ACTIONS, SlackInteractionSchema, type SlackNotifier, verifySlackRequest } from './slack.ts'

/** What the public, signature-authenticated notification routes need. */
export interface NotifyRoutesDeps {
  readonly queue: ApprovalQueue
  readonly links: LinkSigner
  readonly nonces: LinkNonceRepository
  readonly clock: Pick<Clock, 'now'>
  readonly logger: Logger
  readonly slack?: {
    readonly notifier: SlackNotifier
    readonly signingSecret: string
    /** Slack user id → reviewer name; anyone else is refused. */
    readonly users: Readonly<Record<string, string>>
  }
  /** Aborted on shutdown (ends Slack message updates in flight). */
  readonly shutdown: AbortSignal
  /** Links and buttons decide with the approval's default scope. */
  readonly remember: RememberPolicy
}

/** The default scope of `record`, for the confirmation page (before anything is decided). */
function previewRemember(remember: RememberPolicy, record: ApprovalRecord): string {
  const options = remember.options(record)
  if (options.default === 'once') return 'this call only (not remembered)'
  const minutes = Math.round(options.rememberMs / 60_000)
  return `${options.default === 'session' ? 'this exact call in this session' : 'this exact call'}, for ${minutes} min after deciding`
}

const BODY_LIMIT = 256 * 1024

/** Why a link or an interaction is refused: status and the sentence shown. */
class Refusal extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    message: string,
  ) {
    super(message)
  }
}

const describeResolution = (record: ApprovalRecord): string => {
  const r = record.resolution
  if (r?.status === 'decided') return `already decided (${r.permission ?? 'deny'}${r.reviewer ? ` by ${r.reviewer}` : ''})`
  return `already ${r?.status ?? record.status}`
}

/**
 * `/notify/link/:id/:token` (GET: confirmation page, never decides; POST: decides) and
 * `/notify/slack/interactions`. Public by design: each request authenticates by its own
 * signature (the link's HMAC, Slack's signing secret), never by API token or reviewer secret,
 * and an agent without a signed link or the Slack secret gets 403/401 and decides nothing.
 */
export function notifyRoutes(deps: NotifyRoutesDeps) {
  const limit = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: (c) => c.text(`request body exceeds ${BODY_LIMIT} bytes`, 413),
  })

  /** Every check a link passes before its page is shown or it decides. */
  const checkLink = async (id: string, token: string): Promise<{ claims: LinkClaims; record: ApprovalRecord }> => {
    const verdict = deps.links.verify(id, token)
    if (!verdict.ok) {
      const why =
        verdict.reason === 'wrong_approval'
          ? 'This link belongs to another approval.'
          : 'This link is not valid: it was altered, truncated or not issued by this permit0.'
      throw new Refusal(403, 'Link refused', `${why} Nothing was decided.`)
    }
    const { claims } = verdict
    const now = deps.clock.now()
    if (claims.expiresAtMs <= now) throw new Refusal(410, 'Link expired', 'This link expired with its approval. Nothing was decided.')
    if (await deps.nonces.isUsed(claims.nonce)) {
      throw new Refusal(409, 'Link already used', 'This link was already used; each link decides once. Nothing was decided.')
    }
    const record = await deps.queue.get(id)
    if (record === undefined) throw new Refusal(404, 'Approval not found', `There is no approval ${id}. Nothing was decided.`)
    if (record.action.normHash !== claims.normHash) {
      throw new Refusal(403, 'Link refused', 'This link was issued for a different action than the pending one. Nothing was decided.')
    }
    if (record.status !== 'pending') {
      throw new Refusal(record.status === 'expired' ? 410 : 409, 'No longer pending', `Approval ${id} is ${describeResolution(record)}.`)
    }
    if (record.expiresAtMs <= now) throw new Refusal(410, 'Link expired', `Approval ${id} has expired. Nothing was decided.`)
    return { claims, record }
  }

  const html = (c: Context<AppEnv>, status: ContentfulStatusCode, body: string) => {
    c.header('Cache-Control', 'no-store')
    return c.html(body, status)
  }
  const refuse = (c: Context<AppEnv>, err: unknown) => {
    if (err instanceof Refusal) return html(c, err.status, renderMessagePage(err.title, err.message))
    throw err
  }

  return new Hono<AppEnv>()
    .get('/link/:id/:token', async (c) => {
      try {
        const { claims, record } = await checkLink(c.req.param('id'), c.req.param('token'))
        return html(
          c,
          200,
          renderConfirmPage({
            permission: claims.permission,
            reviewer: claims.reviewer,
            summary: summarize(record),
            approvalId: record.id,
            actionType: record.action.actionType,
            ...(record.risk !== undefined && { tier: record.risk.tier }),
            expiresAt: new Date(record.expiresAtMs).toISOString(),
            remember: previewRemember(deps.remember, record),
          }),
        )
      } catch (err) {
        return refuse(c, err)
      }
    })
    .post('/link/:id/:token', limit, async (c) => {
      try {
        const { claims, record } = await checkLink(c.req.param('id'), c.req.param('token'))
        const now = deps.clock.now()
        const fresh = await deps.nonces.consume({ nonce: claims.nonce, approvalId: record.id, usedAtMs: now, expiresAtMs: claims.expiresAtMs })
        if (!fresh) throw new Refusal(409, 'Link already used', 'This link was already used; each link decides once. Nothing was decided.')
        const decided = await decide(record, claims.permission, claims.reviewer, `via ${claims.via} link`)
        void deps.nonces.prune(now).catch((err: unknown) => deps.logger.warn({ err }, 'pruning used link nonces failed'))
        const verb = claims.permission === 'allow' ? 'Approved' : 'Denied'
        const remembered = decided.resolution?.remember
        const scope = remembered === undefined ? '' : ` ${describeRemember(toRemember(remembered))}.`
        return html(c, 200, renderMessagePage(verb, `${verb} as ${claims.reviewer}: ${summarize(decided)}${scope} The agent's call resumes now.`))
      } catch (err) {
        return refuse(c, err)
      }
    })
    .post('/slack/interactions', limit, async (c) => {
      const slack = deps.slack
      if (slack === undefined) return c.json({ error: { code: 'NOT_FOUND', message: 'Slack is not configured' } }, 404)
      const raw = await c.req.text()
      const check = verifySlackRequest({
        signingSecret: slack.signingSecret,
        timestamp: c.req.header('x-slack-request-timestamp'),
        signature: c.req.header('x-slack-signature'),
        rawBody: raw,
        nowMs: deps.clock.now(),
      })
      if (!check.ok) return c.json({ error: { code: 'UNAUTHORIZED', message: `Slack request refused: ${check.reason}` } }, 401)
      const payloadText = new URLSearchParams(raw).get('payload')
      let json: unknown
      try {
        json = JSON.parse(payloadText ?? '')
      } catch {
        return c.json({ error: { code: 'VALIDATION_FAILED', message: 'body must be form-encoded with a JSON `payload` field' } }, 400)
      }
      const parsed = SlackInteractionSchema.safeParse(json)
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
        return c.json({ error: { code: 'VALIDATION_FAILED', message: `not a permit0 block_actions payload: ${issues}` } }, 400)
      }
      const payload = parsed.data
      const reviewer = slack.users[payload.user.id]
      if (reviewer === undefined) {
        return c.json({ error: { code: 'FORBIDDEN', message: `Slack user ${payload.user.id} is not mapped to a permit0 reviewer (slackUsers)` } }, 403)
      }
      const action = payload.actions[0]!
      const permission = SLACK_ACTIONS[action.action_id]
      const record = await deps.queue.get(action.value.a)
      if (record === undefined) return c.json({ error: { code: 'APPROVAL_NOT_FOUND', message: `approval ${action.value.a} not found` } }, 404)
      if (record.action.normHash !== action.value.h) {
        return c.json({ error: { code: 'FORBIDDEN', message: `the button was issued for a different action than approval ${record.id}` } }, 403)
      }
      try {
        const decided = await decide(record, permission, reviewer, 'via Slack')
        void slack.notifier
          .finish(decided, messageRefOf(payload), deps.shutdown)
          .catch((err: unknown) => deps.logger.warn({ err, approvalId: record.id }, 'slack chat.update failed'))
        return c.json({ ok: true, approval_id: decided.id, permission, reviewer })
      } catch (err) {
        if (err instanceof Refusal) {
          const code = err.status === 404 ? 'APPROVAL_NOT_FOUND' : err.status === 410 ? 'APPROVAL_EXPIRED' : 'APPROVAL_CONFLICT'
          return c.json({ error: { code, message: err.message } }, err.status)
        }
        throw err
      }
    })

  /** The one decide path: the approvals queue's (exactly one decision wins, any replica resumes). */
  async function decide(record: ApprovalRecord, permission: 'allow' | 'deny', reviewer: string, reason: string): Promise<ApprovalRecord> {
    const id = record.id
    try {
      const remember = deps.remember.resolve(record, permission, undefined, deps.clock.now())
      return await deps.queue.decide(id, { permission, reviewer, reason, remember })
    } catch (err) {
      if (err instanceof ApprovalError && err.code === ApprovalErrorCode.Conflict) {
        const record = (err.details as { record?: ApprovalRecord }).record
        const status = record?.status === 'expired' ? 410 : 409
        throw new Refusal(status, 'No longer pending', `Approval ${id} is ${record === undefined ? 'already resolved' : describeResolution(record)}.`)
      }
      if (err instanceof ApprovalError && err.code === ApprovalErrorCode.NotFound) {
        throw new Refusal(404, 'Approval not found', `There is no approval ${id}.`)
      }
      throw err
    }
  }
}
