import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createLinkSigner } from '../src/notify/links.ts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { createDatabase } from './helpers/database.ts'
import { call, externalMail } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'
import { linksIn, startFakeSlack, startSmtpServer, startWebhookReceiver, type WebhookDelivery } from './helpers/notify-peers.ts'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 })

const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef'
const SLACK_SIGNING_SECRET = 'slack-signing-secret-0123456789'
const SLACK_BOT_TOKEN = 'xoxb-test-token-0123456789'
const LINK_SECRET = 'link-secret-0123456789abcdef-0123456789'

type Peers = {
  hook: Awaited<ReturnType<typeof startWebhookReceiver>>
  slack: Awaited<ReturnType<typeof startFakeSlack>>
  smtp: Awaited<ReturnType<typeof startSmtpServer>>
}

const notifyFlags = (peers: Peers) => ({
  ui: true,
  linkSecret: LINK_SECRET,
  notifyWebhook: peers.hook.url,
  notifyWebhookName: 'ops-hook',
  webhookSecret: WEBHOOK_SECRET,
  notifySlack: 'C0PERMIT0',
  slackApiUrl: peers.slack.apiUrl,
  slackBotToken: SLACK_BOT_TOKEN,
  slackSigningSecret: SLACK_SIGNING_SECRET,
  slackUsers: 'U0ALICE=alice',
  notifyEmail: peers.smtp.url,
  notifyEmailFrom: 'permit0@example.com',
  notifyEmailTo: 'carol@example.com',
  notifyAttempts: 3,
  notifyRetryBaseMs: 5,
})

const statusOf = async (url: string, id: string): Promise<string> => (await call(url, 'GET', `/api/v1/approvals/${id}`)).body.status

/** POSTs the confirmation form of a link, as the page's button does. */
const confirm = (link: string) =>
  fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'confirm=yes' })

const humanEntry = async (url: string, id: string) => {
  const page = await call(url, 'GET', '/api/v1/audit?limit=1000')
  return (page.body.entries as Array<Record<string, unknown>>).find((e) => e.approval_id === id && e.kind === 'human_decision')
}

const blockAction = (user: string, actionId: string, value: string, ts = '1.1') => ({
  type: 'block_actions',
  user: { id: user },
  actions: [{ action_id: actionId, value, type: 'button' }],
  container: { type: 'message', channel_id: 'C0PERMIT0', message_ts: ts },
  channel: { id: 'C0PERMIT0' },
})

describe('serve --ui with webhook, Slack and email notifications', () => {
  let peers: Peers
  let server: ServerHandle
  const seen = new Set<string>()
  /** The webhook delivery of the next approval this test has not looked at yet. */
  const nextDelivery = async (): Promise<WebhookDelivery> => {
    const d = await peers.hook.inbox.next((x) => x.status === 200 && !seen.has(x.json.approval_id))
    seen.add(d.json.approval_id)
    return d
  }

  beforeAll(async () => {
    peers = { hook: await startWebhookReceiver(), slack: await startFakeSlack(SLACK_SIGNING_SECRET), smtp: await startSmtpServer() }
    server = await startTestServer(notifyFlags(peers))
  })
  afterAll(async () => {
    await server?.close()
    await Promise.all([peers.hook.close(), peers.slack.close(), peers.smtp.close()])
  })

  it('webhook: signed JSON with links; GET only confirms, the POST decides as the webhook and the agent resumes', async () => {
    const parked = call(server.url, 'POST', '/api/v1/check', externalMail('sent through the webhook'))
    const d = await nextDelivery()
    const id = d.json.approval_id as string

    // the signature verifies over "<timestamp>.<raw body>" with the shared secret
    const timestamp = d.headers['x-permit0-timestamp'] as string
    expect(Math.abs(Number(timestamp) - Date.now() / 1_000)).toBeLessThan(60)
    const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${d.body}`).digest('hex')}`
    expect(d.headers['x-permit0-signature']).toBe(expected)
    expect(d.json).toMatchObject({ type: 'approval.pending', action_type: 'email.send', tool_name: 'gmail_send', reviewer: 'ops-hook' })
    expect(typeof d.json.tier).toBe('string')
    expect(d.json.summary).toMatch(/gmail_send wants to email\.send/)
    expect(d.json.approve_url).toMatch(new RegExp(`^${server.url}/notify/link/${id}/`))
    expect(d.json.deny_url).not.toBe(d.json.approve_url)
    // tool arguments are left out unless configured
    expect(d.body).not.toContain('sent through the webhook')
    expect(d.json.parameters).toBeUndefined()

    // GET shows a confirmation page under a strict CSP and decides nothing
    const page = await fetch(d.json.approve_url)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<form method="post">')
    expect(html).toContain('ops-hook')
    // the link decides with the default scope, shown before deciding
    expect(html).toContain('<dt>Remembered</dt><dd>this exact call, for 60 min after deciding</dd>')
    expect(html).not.toMatch(/<script|https?:\/\//)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("form-action 'self'")
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/)
    expect(await statusOf(server.url, id)).toBe('pending')

    const decided = await confirm(d.json.approve_url)
    expect(decided.status).toBe(200)
    expect(await decided.text()).toMatch(/Approved as ops-hook: .* Remembered for this exact call until \d{4}-\d\d-\d\dT[\d:.]+Z\. The agent/)
    const resumed = await parked
    expect(resumed.body).toMatchObject({ permission: 'allow', source: 'HumanReviewer', reviewer: 'ops-hook', approval_id: id, remember: { scope: 'call' } })
    // remembered: the same call is answered from the policy cache
    expect((await call(server.url, 'POST', '/api/v1/check', externalMail('sent through the webhook'))).body).toMatchObject({ permission: 'allow', source: 'PolicyCache' })
    expect(await humanEntry(server.url, id)).toMatchObject({ reviewer: 'ops-hook', permission: 'allow', reason: 'via webhook link' })

    // replayed link, and the other link of a decided approval: refused, nothing changes
    const replay = await confirm(d.json.approve_url)
    expect(replay.status).toBe(409)
    expect(await replay.text()).toMatch(/already used/)
    const late = await confirm(d.json.deny_url)
    expect(late.status).toBe(409)
    expect(await late.text()).toMatch(/already decided \(allow by ops-hook\)/)
    expect((await humanEntry(server.url, id))?.permission).toBe('allow')

    const metrics = (await call(server.url, 'GET', '/metrics')).body as string
    expect(metrics).toMatch(/permit0_notifications_total\{channel="webhook",outcome="sent"\} [1-9]/)
  })

  it('Slack: posts Approve/Deny buttons; a signed click by a mapped user decides, the message shows the outcome', async () => {
    const parked = call(server.url, 'POST', '/api/v1/check', externalMail('sent through slack'))
    const id = (await nextDelivery()).json.approval_id as string
    const post = await peers.slack.inbox.next((c) => c.method === 'chat.postMessage' && JSON.stringify(c.body).includes(id))
    expect(post.authorization).toBe(`Bearer ${SLACK_BOT_TOKEN}`)
    expect(post.body.channel).toBe('C0PERMIT0')
    expect(JSON.stringify(post.body)).not.toContain('sent through slack')
    const actions = (post.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(['permit0_approve', 'permit0_deny'])
    const value = actions!.elements![1]!.value
    const endpoint = `${server.url}/notify/slack/interactions`
    const ts = '1700000000.000100'

    // refused: wrong signing secret, a timestamp older than 5 minutes, an unmapped user, a button for another action
    const forged = await peers.slack.interact(endpoint, blockAction('U0ALICE', 'permit0_approve', value, ts), { secret: 'not-the-signing-secret-000' })
    expect(forged.status).toBe(401)
    expect(forged.body.error.message).toMatch(/X-Slack-Signature does not match/)
    const stale = await peers.slack.interact(endpoint, blockAction('U0ALICE', 'permit0_approve', value, ts), { timestamp: Math.floor(Date.now() / 1_000) - 301 })
    expect(stale.status).toBe(401)
    expect(stale.body.error.message).toMatch(/more than 5 minutes/)
    const stranger = await peers.slack.interact(endpoint, blockAction('U0MALLORY', 'permit0_approve', value, ts))
    expect(stranger.status).toBe(403)
    expect(stranger.body.error.message).toMatch(/U0MALLORY is not mapped/)
    const otherAction = JSON.stringify({ a: id, h: '0'.repeat(64) })
    expect((await peers.slack.interact(endpoint, blockAction('U0ALICE', 'permit0_approve', otherAction, ts))).status).toBe(403)
    const garbage = await peers.slack.interact(endpoint, { type: 'view_submission' })
    expect(garbage.status).toBe(400)
    expect(await statusOf(server.url, id)).toBe('pending')

    const click = await peers.slack.interact(endpoint, blockAction('U0ALICE', 'permit0_deny', value, post.body.channel === 'C0PERMIT0' ? ts : ts))
    expect(click.status).toBe(200)
    expect(click.body).toMatchObject({ ok: true, approval_id: id, permission: 'deny', reviewer: 'alice' })
    const resumed = await parked
    expect(resumed.body).toMatchObject({ permission: 'deny', source: 'HumanReviewer', reviewer: 'alice', approval_id: id })
    expect(await humanEntry(server.url, id)).toMatchObject({ reviewer: 'alice', permission: 'deny', reason: 'via Slack' })

    const update = await peers.slack.inbox.next((c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(id))
    expect(update.body.channel).toBe('C0PERMIT0')
    expect(update.body.text).toMatch(/Denied by alice: .*Remembered for this exact call until /)
    // a second click on a decided approval is refused
    expect((await peers.slack.interact(endpoint, blockAction('U0ALICE', 'permit0_approve', value, ts))).status).toBe(409)
  })

  it('email: every recipient gets a mail with links only; the link decides as that recipient', async () => {
    const parked = call(server.url, 'POST', '/api/v1/check', externalMail('sent through email'))
    const id = (await nextDelivery()).json.approval_id as string
    const mail = await peers.smtp.inbox.next((m) => m.text.includes(id))
    expect(mail.to).toBe('carol@example.com')
    expect(mail.subject).toMatch(/^\[permit0\] approval needed: email\.send/)
    expect(mail.text).not.toContain('sent through email')
    const links = linksIn(mail.text)
    expect((await fetch(links.deny)).status).toBe(200)
    expect(await statusOf(server.url, id)).toBe('pending')

    const decided = await confirm(links.deny)
    expect(decided.status).toBe(200)
    expect(await decided.text()).toContain('Denied as carol@example.com')
    expect((await parked).body).toMatchObject({ permission: 'deny', reviewer: 'carol@example.com', approval_id: id })
    expect(await humanEntry(server.url, id)).toMatchObject({ reviewer: 'carol@example.com', reason: 'via email link' })
    const metrics = (await call(server.url, 'GET', '/metrics')).body as string
    expect(metrics).toMatch(/permit0_notifications_total\{channel="email",outcome="sent"\} [1-9]/)
    expect(metrics).toMatch(/permit0_notifications_total\{channel="slack",outcome="sent"\} [1-9]/)
  })

  it('refuses tampered, foreign, re-bound, expired, used and malformed links with a page and 4xx, deciding nothing', async () => {
    const parked = call(server.url, 'POST', '/api/v1/check', externalMail('bad links'))
    const d = await nextDelivery()
    const id = d.json.approval_id as string
    const approve = d.json.approve_url as string
    const other = call(server.url, 'POST', '/api/v1/check', externalMail('another pending call'))
    const otherId = (await nextDelivery()).json.approval_id as string

    const [prefix, token] = [approve.slice(0, approve.lastIndexOf('/') + 1), approve.slice(approve.lastIndexOf('/') + 1)]
    const [payload, mac] = token.split('.') as [string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1)
    const signer = createLinkSigner({ secret: Buffer.from(LINK_SECRET), publicUrl: () => server.url })
    const resign = (changes: Record<string, unknown>) =>
      signer.sign({
        approvalId: id,
        normHash: claims.h as string,
        permission: 'allow',
        reviewer: 'ops-hook',
        via: 'webhook',
        expiresAtMs: claims.e as number,
        nonce: 'fresh-nonce-000000000000',
        ...changes,
      })

    const cases: Array<[string, string, number, RegExp]> = [
      ['tampered MAC', `${prefix}${payload}.${flip(mac, 3)}`, 403, /altered, truncated or not issued/],
      ['tampered claims', `${prefix}${flip(payload, 5)}.${mac}`, 403, /altered, truncated or not issued/],
      ['truncated', `${prefix}${payload}`, 403, /not valid/],
      ['another approval', `${server.url}/notify/link/${otherId}/${token}`, 403, /belongs to another approval/],
      ['another norm_hash', `${prefix}${resign({ normHash: 'f'.repeat(64) })}`, 403, /different action/],
      ['expired', `${prefix}${resign({ expiresAtMs: Date.now() - 1 })}`, 410, /expired/],
      ['reviewer swapped', `${prefix}${flip(payload, 40)}.${mac}`, 403, /not valid/],
      ['no token (an agent guessing)', `${server.url}/notify/link/${id}/x.y`, 403, /not valid/],
    ]
    for (const [name, link, status, message] of cases) {
      for (const method of ['GET', 'POST']) {
        const res = method === 'GET' ? await fetch(link) : await confirm(link)
        expect(res.status, `${name} (${method})`).toBe(status)
        expect(res.headers.get('content-type'), name).toMatch(/^text\/html/)
        expect(await res.text(), name).toMatch(message)
      }
    }
    // already used: its nonce is spent (e.g. on another replica) → refused even though the approval is pending
    expect(await server.store.linkNonces.consume({ nonce: claims.n as string, approvalId: id, usedAtMs: Date.now(), expiresAtMs: claims.e as number })).toBe(true)
    for (const res of [await fetch(approve), await confirm(approve)]) {
      expect(res.status).toBe(409)
      expect(await res.text()).toMatch(/already used/)
    }
    expect(await statusOf(server.url, id)).toBe('pending')
    expect(await statusOf(server.url, otherId)).toBe('pending')
    expect(await humanEntry(server.url, id)).toBeUndefined()

    // the still-valid deny link works; the other call is settled through the dashboard API
    expect((await confirm(d.json.deny_url as string)).status).toBe(200)
    expect((await parked).body).toMatchObject({ permission: 'deny', reviewer: 'ops-hook' })
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: otherId, permission: 'deny', reviewer: 'ann' })
    expect((await other).body.permission).toBe('deny')
  })

  it('a failing channel never blocks the decision: retries, then counts the failure; the other channels still decide', async () => {
    peers.hook.state.failWith = 503
    try {
      const parked = call(server.url, 'POST', '/api/v1/check', externalMail('webhook is down'))
      const mail = await peers.smtp.inbox.next((m) => m.text.includes('/notify/link/') && !seen.has(/approval: (\S+)/i.exec(m.text)?.[1] ?? ''))
      const id = /Approval: (\S+)/.exec(mail.text)?.[1] as string
      seen.add(id)
      // three attempts (notifyAttempts), each refused with 503
      for (let n = 1; n <= 3; n++) {
        await peers.hook.inbox.next((x) => x.json.approval_id === id && peers.hook.inbox.items.filter((y) => y.json.approval_id === id).length >= n)
      }
      expect((await confirm(linksIn(mail.text).approve)).status).toBe(200)
      expect((await parked).body).toMatchObject({ permission: 'allow', reviewer: 'carol@example.com' })
      let metrics = ''
      for (let i = 0; i < 100 && !/channel="webhook",outcome="failed"\} 1/.test(metrics); i++) {
        metrics = (await call(server.url, 'GET', '/metrics')).body as string
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(metrics).toMatch(/permit0_notifications_total\{channel="webhook",outcome="failed"\} 1/)
      expect(peers.hook.inbox.items.filter((y) => y.json.approval_id === id)).toHaveLength(3)
    } finally {
      peers.hook.state.failWith = undefined
    }
  })

  it('refuses a channel without its secret, and notifications without --ui', async () => {
    await expect(startTestServer({ ui: true, notifyWebhook: peers.hook.url })).rejects.toThrow(/PERMIT0_WEBHOOK_SECRET/)
    await expect(startTestServer({ ui: true, notifySlack: 'C0PERMIT0', slackBotToken: SLACK_BOT_TOKEN })).rejects.toThrow(/PERMIT0_SLACK_SIGNING_SECRET/)
    await expect(startTestServer({ notifyWebhook: peers.hook.url, webhookSecret: WEBHOOK_SECRET })).rejects.toThrow(/need --ui/)
    await expect(
      startTestServer({ ui: true, notifyEmail: peers.smtp.url, notifyEmailFrom: 'permit0@example.com' }),
    ).rejects.toThrow(/--notify-email-to/)
  })
})

const BASE_URL = process.env.PERMIT0_TEST_DATABASE_URL

describe.skipIf(BASE_URL === undefined)('notifications across two replicas on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createDatabase>>
  let peers: Peers
  let a: ServerHandle
  let b: ServerHandle

  beforeAll(async () => {
    db = await createDatabase(BASE_URL!, 'permit0_notify')
    peers = { hook: await startWebhookReceiver(), slack: await startFakeSlack(SLACK_SIGNING_SECRET), smtp: await startSmtpServer() }
    a = await startTestServer({ ...notifyFlags(peers), databaseUrl: db.url })
    b = await startTestServer({ ...notifyFlags(peers), databaseUrl: db.url })
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await Promise.all([peers?.hook.close(), peers?.slack.close(), peers?.smtp.close()])
    await db?.drop()
  })

  it('notifies once (from the parking replica); a link or a Slack click served by the other replica resumes the call', async () => {
    const parked = call(a.url, 'POST', '/api/v1/check', externalMail('across replicas'))
    const d = await peers.hook.inbox.next()
    const id = d.json.approval_id as string
    // the link opened on B (same secret, shared nonce table) decides; A's parked call resumes
    const onB = (d.json.approve_url as string).replace(a.url, b.url)
    expect((await confirm(onB)).status).toBe(200)
    expect((await parked).body).toMatchObject({ permission: 'allow', reviewer: 'ops-hook', approval_id: id })
    // the same link replayed on A: its nonce is used in the shared store
    expect((await confirm(d.json.approve_url as string)).status).toBe(409)

    const parked2 = call(a.url, 'POST', '/api/v1/check', externalMail('slack across replicas'))
    const post = await peers.slack.inbox.next((c) => c.method === 'chat.postMessage' && !JSON.stringify(c.body).includes(id))
    const value = (post.body.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>).find((x) => x.type === 'actions')!.elements![0]!.value
    const id2 = (JSON.parse(value) as { a: string }).a
    const click = await peers.slack.interact(`${b.url}/notify/slack/interactions`, blockAction('U0ALICE', 'permit0_approve', value, '1700000000.000100'))
    expect(click.status).toBe(200)
    expect((await parked2).body).toMatchObject({ permission: 'allow', reviewer: 'alice', approval_id: id2 })
    // B announced nothing: each approval was posted once
    expect(peers.hook.inbox.items.filter((x) => x.json.approval_id === id)).toHaveLength(1)
    expect(peers.slack.inbox.items.filter((c) => c.method === 'chat.postMessage' && JSON.stringify(c.body).includes(id2))).toHaveLength(1)
  })
})
