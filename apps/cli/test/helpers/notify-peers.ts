import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { slackSignature } from '../../src/notify/slack.ts'

/** Items arriving over time; `next(pred)` waits for the next matching one (an event, never a sleep). */
export function createInbox<T>() {
  const items: T[] = []
  const waiting: Array<{ pred: (item: T) => boolean; resolve: (item: T) => void }> = []
  return {
    items,
    push(item: T) {
      items.push(item)
      const i = waiting.findIndex((w) => w.pred(item))
      if (i >= 0) waiting.splice(i, 1)[0]?.resolve(item)
    },
    /** The first item (already arrived or still to come) matching `pred`. */
    next(pred: (item: T) => boolean = () => true): Promise<T> {
      const found = items.find(pred)
      if (found !== undefined) return Promise.resolve(found)
      return new Promise((resolve) => waiting.push({ pred, resolve }))
    },
  }
}

const listen = (server: Server): Promise<string> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export interface WebhookDelivery {
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly json: Record<string, any>
  readonly status: number
}

/** A webhook receiver on loopback; answers 200, or `failWith` while set. */
export async function startWebhookReceiver() {
  const inbox = createInbox<WebhookDelivery>()
  const state = { failWith: undefined as number | undefined }
  const server = createServer(async (req, res) => {
    const body = await readBody(req)
    const status = state.failWith ?? 200
    inbox.push({ headers: req.headers, body, json: JSON.parse(body) as Record<string, any>, status })
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope')
  })
  const url = await listen(server)
  return { url, inbox, state, close: () => close(server) }
}

export interface SlackCall {
  readonly method: string
  readonly authorization: string | undefined
  readonly body: Record<string, any>
}

/** A fake Slack Web API: records chat.postMessage / chat.update and answers like Slack. */
export async function startFakeSlack(signingSecret: string) {
  const inbox = createInbox<SlackCall>()
  let ts = 1_700_000_000
  const server = createServer(async (req, res) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').replace(/^\//, '')
    const body = JSON.parse(await readBody(req)) as Record<string, any>
    inbox.push({ method, authorization: req.headers.authorization, body })
    const reply =
      method === 'chat.postMessage'
        ? { ok: true, channel: body.channel, ts: `${ts++}.000100` }
        : method === 'chat.update'
          ? { ok: true, channel: body.channel, ts: body.ts }
          : { ok: false, error: 'unknown_method' }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply))
  })
  const url = await listen(server)
  return {
    apiUrl: `${url}/api`,
    inbox,
    /** Sends a signed `block_actions` payload to our interactivity endpoint, as Slack does. */
    async interact(
      endpoint: string,
      payload: unknown,
      options: { timestamp?: number; secret?: string; signature?: string } = {},
    ): Promise<{ status: number; body: any }> {
      const raw = new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
      const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1_000))
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': options.signature ?? slackSignature(options.secret ?? signingSecret, timestamp, raw),
        },
        body: raw,
      })
      const text = await res.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // not JSON
      }
      return { status: res.status, body }
    },
    close: () => close(server),
  }
}

export interface ReceivedMail {
  readonly to: string
  readonly subject: string
  readonly text: string
}

/** A real SMTP server (smtp-server) on loopback; every mail is parsed with mailparser. */
export async function startSmtpServer() {
  const inbox = createInbox<ReceivedMail>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(',')
          inbox.push({ to, subject: mail.subject ?? '', text: mail.text ?? '' })
          callback()
        })
        .catch((err: Error) => callback(err))
    },
  })
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)))
  return { url: `smtp://127.0.0.1:${port}`, inbox, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** The approve/deny links in a mail's text. */
export function linksIn(text: string): { approve: string; deny: string } {
  const urls = text.match(/https?:\/\/\S+\/notify\/link\/\S+/g) ?? []
  const [approve, deny] = urls
  if (approve === undefined || deny === undefined) throw new Error(`no links in mail:\n${text}`)
  return { approve, deny }
}
