import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '@permit0/approvals'
import { describe, expect, it } from 'vitest'
import { startFakeSlack, startWebhookReceiver } from '../../test/helpers/notify-peers.ts'
import { runServe } from '../commands/serve.ts'
import { ConfigError, ConfigErrorCode, loadConfig } from '../config/load.ts'
import { createDeadLetterLog, DeliveryError, withRetries } from './delivery.ts'
import { createLinkSigner, loadOrCreateLinkSecret, loggedPath } from './links.ts'
import { toNotice } from './notifier.ts'
import { resolveNotifySettings } from './setup.ts'
import { createSlackNotifier, SLACK_MAX_SKEW_SECS, slackSignature, verifySlackRequest } from './slack.ts'
import { createWebhookNotifier } from './webhook.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'permit0-notify-'))
const HASH = 'a'.repeat(64)

describe('link secret', () => {
  it('is created 0600 in the data dir once and read back the same', () => {
    const file = join(tmp(), 'data', 'link-secret')
    const first = loadOrCreateLinkSecret({ defaultFile: file })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(first.length).toBeGreaterThanOrEqual(32)
    expect(loadOrCreateLinkSecret({ defaultFile: file }).equals(first)).toBe(true)
  })

  it('refuses a file others can read, a missing explicit file and a short secret', () => {
    const file = join(tmp(), 'link-secret')
    writeFileSync(file, 'x'.repeat(40))
    chmodSync(file, 0o644)
    expect(() => loadOrCreateLinkSecret({ defaultFile: file })).toThrow(/readable by other users \(mode 644\)/)
    expect(() => loadOrCreateLinkSecret({ file: join(tmp(), 'nope'), defaultFile: file })).toThrow(/not found/)
    expect(() => loadOrCreateLinkSecret({ secret: 'short', defaultFile: file })).toThrow(/at least 32 bytes/)
  })
})

describe('link signer', () => {
  const signer = createLinkSigner({ secret: Buffer.from('k'.repeat(32)), publicUrl: () => 'https://permit0.example.com/' })
  const claims = { approvalId: '01JA', normHash: HASH, permission: 'allow' as const, reviewer: 'ops', via: 'webhook' as const, expiresAtMs: 5 }

  it('round-trips its claims with a fresh nonce per link, under the public URL', () => {
    const a = signer.url(claims)
    const b = signer.url(claims)
    expect(a).toMatch(/^https:\/\/permit0\.example\.com\/notify\/link\/01JA\/[\w-]+\.[\w-]+$/)
    expect(a).not.toBe(b)
    const check = signer.verify('01JA', a.slice(a.lastIndexOf('/') + 1))
    expect(check).toMatchObject({ ok: true, claims })
  })

  it('rejects another key, another approval and non-tokens', () => {
    const other = createLinkSigner({ secret: Buffer.from('j'.repeat(32)), publicUrl: () => '' })
    const token = other.sign({ ...claims, nonce: 'n'.repeat(24) })
    expect(signer.verify('01JA', token)).toEqual({ ok: false, reason: 'bad_signature' })
    const mine = signer.sign({ ...claims, nonce: 'n'.repeat(24) })
    expect(signer.verify('01JB', mine)).toEqual({ ok: false, reason: 'wrong_approval' })
    for (const bad of ['', 'a', 'a.b.c', 'a.b', `${mine}x`, 'é.é']) expect(signer.verify('01JA', bad).ok).toBe(false)
  })
})

describe('Slack request verification', () => {
  const secret = 's'.repeat(32)
  const body = 'payload=%7B%7D'
  const now = 1_700_000_000_000
  const ts = String(now / 1_000)

  it('accepts a v0 signature within 5 minutes, in both directions', () => {
    for (const skew of [0, SLACK_MAX_SKEW_SECS, -SLACK_MAX_SKEW_SECS]) {
      const t = String(now / 1_000 + skew)
      expect(verifySlackRequest({ signingSecret: secret, timestamp: t, signature: slackSignature(secret, t, body), rawBody: body, nowMs: now })).toEqual({ ok: true })
    }
  })

  it('refuses stale or future timestamps, other bodies, other secrets and malformed headers', () => {
    const sig = slackSignature(secret, ts, body)
    const v = (over: Partial<Parameters<typeof verifySlackRequest>[0]>) =>
      verifySlackRequest({ signingSecret: secret, timestamp: ts, signature: sig, rawBody: body, nowMs: now, ...over }).ok
    expect(v({ nowMs: now + (SLACK_MAX_SKEW_SECS + 1) * 1_000 })).toBe(false)
    expect(v({ nowMs: now - (SLACK_MAX_SKEW_SECS + 1) * 1_000 })).toBe(false)
    expect(v({ rawBody: `${body}&x=1` })).toBe(false)
    expect(v({ signingSecret: 't'.repeat(32) })).toBe(false)
    expect(v({ signature: undefined })).toBe(false)
    expect(v({ timestamp: 'soon' })).toBe(false)
    expect(v({ signature: sig.toUpperCase() })).toBe(false)
  })
})

describe('delivery', () => {
  it('retries transient failures with backoff and stops at a permanent one', async () => {
    const retry = { attempts: 4, baseDelayMs: 1, clock: systemClock }
    let calls = 0
    await withRetries(async () => {
      if (++calls < 3) throw new DeliveryError('503', true)
    }, retry, new AbortController().signal)
    expect(calls).toBe(3)

    calls = 0
    const permanent = withRetries(async () => {
      calls++
      throw new DeliveryError('404', false)
    }, retry, new AbortController().signal)
    await expect(permanent).rejects.toMatchObject({ message: '404', attempts: 1 })
    expect(calls).toBe(1)

    calls = 0
    const exhausted = withRetries(async () => {
      calls++
      throw new DeliveryError('503', true)
    }, retry, new AbortController().signal)
    await expect(exhausted).rejects.toMatchObject({ attempts: 4 })
    expect(calls).toBe(4)
  })

  it('keeps a bounded dead-letter log, 0600, newest last', () => {
    const path = join(tmp(), 'dead.jsonl')
    const log = createDeadLetterLog({ path, max: 3 })
    for (let i = 0; i < 5; i++) log.add({ at: `t${i}`, channel: 'webhook', approvalId: `A${i}`, attempts: 4, error: 'down' })
    expect(log.entries().map((l) => l.approvalId)).toEqual(['A2', 'A3', 'A4'])
    const lines = readFileSync(path, 'utf8').trim().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as { approvalId: string }).approvalId)).toEqual(['A2', 'A3', 'A4'])
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })
})

describe('serve flags and environment → notification settings', () => {
  it('maps flags, env secrets and secret files into validated settings; errors name what is missing', async () => {
    const dir = tmp()
    const tokenFile = join(dir, 'slack-token')
    writeFileSync(tokenFile, 'xoxb-from-a-file-0123456789\n')
    let captured: Parameters<typeof resolveNotifySettings>[0] | undefined
    const code = await runServe(
      {
        ui: true,
        publicUrl: 'https://permit0.example.com',
        notifyWebhook: 'https://hooks.example.com/p0',
        notifyWebhookName: 'ops',
        notifySlack: 'C0123ABCD',
        notifySlackUsers: 'U0AAA=alice, U0BBB=bob',
        notifyEmail: 'smtp://mailer@smtp.example.com:587',
        notifyEmailFrom: 'permit0@example.com',
        notifyEmailTo: 'alice@example.com,bob@example.com',
      },
      {
        cwd: dir,
        env: {
          PERMIT0_WEBHOOK_SECRET: 'w'.repeat(20),
          PERMIT0_SLACK_BOT_TOKEN_FILE: tokenFile,
          PERMIT0_SLACK_SIGNING_SECRET: 's'.repeat(20),
          PERMIT0_SMTP_PASSWORD: 'p'.repeat(16),
          PERMIT0_LINK_SECRET: 'l'.repeat(32),
        },
        stderr: () => undefined,
        start: async (config) => {
          captured = config
          throw new ConfigError(ConfigErrorCode.Invalid, 'captured')
        },
        untilStopped: async () => undefined,
      },
    )
    expect(code).toBe(2)
    const settings = resolveNotifySettings(captured!, { dataDir: dir })
    expect(settings).toMatchObject({
      webhook: { url: 'https://hooks.example.com/p0', name: 'ops', secret: 'w'.repeat(20) },
      slack: { channel: 'C0123ABCD', botToken: 'xoxb-from-a-file-0123456789', signingSecret: 's'.repeat(20), users: { U0AAA: 'alice', U0BBB: 'bob' } },
      email: { smtpUrl: `smtp://mailer:${'p'.repeat(16)}@smtp.example.com:587`, from: 'permit0@example.com', to: ['alice@example.com', 'bob@example.com'] },
    })
    expect(settings?.linkSecret.toString()).toBe('l'.repeat(32))
    expect(captured!.publicUrl).toBe('https://permit0.example.com')

    expect(() => resolveNotifySettings({ ...captured!, slackUsers: {} }, { dataDir: dir })).toThrow(/--notify-slack needs at least one Slack user/)
    expect(() => resolveNotifySettings({ ...captured!, slackBotTokenFile: join(dir, 'missing') , slackBotToken: undefined }, { dataDir: dir })).toThrow(/Slack bot token file .* is unreadable/)
  })

  it('refuses malformed notification settings at the edge', async () => {
    const load = (flags: Record<string, unknown>) => () => loadConfig({ flags, env: {}, file: false })
    expect(load({ notifySlack: 'general' })).toThrow(/notifySlack: expected a Slack channel id/)
    expect(load({ slackUsers: 'alice=U0AAA' })).toThrow(/slackUsers/)
    expect(load({ notifyEmailTo: 'alice@example.com, not-an-address' })).toThrow(/notifyEmailTo/)
    expect(load({ notifyWebhook: 'ftp://example.com/x' })).toThrow(/notifyWebhook/)
    expect(load({ webhookSecret: 'short' })).toThrow(/at least 16 characters/)
  })
})

describe('logged paths', () => {
  it("drop a link's token (a capability) and keep everything else", () => {
    expect(loggedPath('/notify/link/01JA/eyJh.c2ln')).toBe('/notify/link/01JA/[token]')
    expect(loggedPath('/api/v1/approvals/01JA')).toBe('/api/v1/approvals/01JA')
    expect(loggedPath('/notify/slack/interactions')).toBe('/notify/slack/interactions')
  })
})

describe('arguments in notifications', () => {
  it('are sent to Slack and the webhook only when configured', async () => {
    const slack = await startFakeSlack('s'.repeat(32))
    const hook = await startWebhookReceiver()
    try {
      const record = {
        id: '01JARGS',
        kind: 'hitl' as const,
        status: 'pending' as const,
        action: {
          actionType: 'email.send',
          domain: 'email',
          verb: 'send',
          channel: 'gmail',
          parameters: { to: 'bob@partner.example', body: 'the quarterly numbers' },
          execution: {},
          normHash: HASH,
        },
        toolName: 'gmail_send',
        enginePermission: 'human' as const,
        engineSource: 'Scorer' as const,
        createdAtMs: 1,
        expiresAtMs: Date.now() + 60_000,
        replicaId: 'r',
      } as unknown as Parameters<typeof toNotice>[0]
      const retry = { attempts: 1, baseDelayMs: 0, clock: systemClock }
      const slackNotifier = createSlackNotifier({ apiUrl: slack.apiUrl, botToken: 'xoxb-0123456789abcdef', channel: 'C0ARGS', retry })
      const links = createLinkSigner({ secret: Buffer.from('k'.repeat(32)), publicUrl: () => 'http://127.0.0.1:1' })
      const webhook = createWebhookNotifier({ url: hook.url, name: 'ops', secret: 'w'.repeat(32), links, retry, clock: systemClock })
      const signal = new AbortController().signal
      for (const includeArguments of [false, true]) {
        const notice = toNotice(record, { includeArguments })
        await slackNotifier.notify(notice, signal)
        await webhook.notify(notice, signal)
        const posted = JSON.stringify(slack.inbox.items.at(-1)?.body)
        const delivered = hook.inbox.items.at(-1)?.body ?? ''
        expect(posted.includes('the quarterly numbers'), `slack, includeArguments=${includeArguments}`).toBe(includeArguments)
        expect(delivered.includes('the quarterly numbers'), `webhook, includeArguments=${includeArguments}`).toBe(includeArguments)
      }
    } finally {
      await slack.close()
      await hook.close()
    }
  })
})
