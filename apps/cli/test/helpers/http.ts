import type { ApprovalEvent } from '@permit0/contracts'

export interface JsonReply {
  readonly status: number
  readonly body: any
  readonly headers: Headers
}

/**
 * Reviewer secrets of the tokenless test daemons, by base URL: `call()` and `openEventStream()`
 * present it as the human at the dashboard would (pass `anonymous: true` to act as the agent).
 */
const reviewerTokens = new Map<string, string>()

export function registerReviewerToken(baseUrl: string, token: string | undefined): void {
  if (token !== undefined) reviewerTokens.set(baseUrl, token)
}

/** `Authorization` of the registered reviewer secret of `baseUrl` (empty when none), for raw `fetch`. */
export function reviewerHeaders(baseUrl: string): Record<string, string> {
  const token = reviewerTokens.get(baseUrl)
  return token === undefined ? {} : { authorization: `Bearer ${token}` }
}

/** One JSON request against a base URL. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal; raw?: string; anonymous?: boolean } = {},
): Promise<JsonReply> {
  const reviewer = reviewerTokens.get(baseUrl)
  const explicitAuth = Object.keys(init.headers ?? {}).some((h) => h.toLowerCase() === 'authorization')
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(reviewer !== undefined && !explicitAuth && init.anonymous !== true && { authorization: `Bearer ${reviewer}` }),
      ...init.headers,
    },
    ...(init.raw !== undefined ? { body: init.raw } : body !== undefined && { body: JSON.stringify(body) }),
    ...(init.signal !== undefined && { signal: init.signal }),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

export const externalMail = (body = 'See you tomorrow at noon') => ({
  tool_name: 'gmail_send',
  parameters: { to: 'bob@external-partner.com', subject: 'Lunch', body },
})

/**
 * Subscribes to `GET /api/v1/approvals/stream` and hands out events in order; `next(pred)` waits
 * for the next matching event (an event, not a sleep).
 */
export async function openEventStream(baseUrl: string, token: string | undefined = reviewerTokens.get(baseUrl)) {
  const controller = new AbortController()
  const res = await fetch(`${baseUrl}/api/v1/approvals/stream`, {
    signal: controller.signal,
    ...(token !== undefined && { headers: { authorization: `Bearer ${token}` } }),
  })
  if (res.body === null) throw new Error('no stream body')
  const queue: ApprovalEvent[] = []
  const waiting: Array<{ pred: (e: ApprovalEvent) => boolean; resolve: (e: ApprovalEvent) => void }> = []
  let ready!: () => void
  const readyPromise = new Promise<void>((r) => (ready = r))
  const deliver = (event: ApprovalEvent): void => {
    const i = waiting.findIndex((w) => w.pred(event))
    if (i >= 0) {
      const [w] = waiting.splice(i, 1)
      w?.resolve(event)
    } else queue.push(event)
  }
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        buffer += value
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n')
          if (data === '') continue
          const parsed = JSON.parse(data) as ApprovalEvent | { ok: true }
          if ('ok' in parsed) ready()
          else deliver(parsed)
        }
      }
    } catch {
      // aborted
    }
  })()
  await readyPromise
  return {
    next(pred: (e: ApprovalEvent) => boolean = () => true): Promise<ApprovalEvent> {
      const i = queue.findIndex(pred)
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]!)
      return new Promise((resolve) => waiting.push({ pred, resolve }))
    },
    close: () => controller.abort(),
  }
}

export const created = (e: ApprovalEvent) => e.type === 'approval.created'
export const resolvedAs = (status: string) => (e: ApprovalEvent) =>
  e.type === 'approval.resolved' && e.resolution.status === status

/**
 * POSTs a raw body with node:http and resolves on the response, even if the server closes the
 * socket while the body is still being written (what an early 413 does).
 */
export async function postLarge(baseUrl: string, path: string, body: string): Promise<{ status: number; body: any }> {
  const { request } = await import('node:http')
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      res.on('error', reject)
    })
    req.on('error', () => undefined) // the server may close early; the response decides
    req.end(body)
  })
}

/**
 * Waits for the next parked call on the approvals stream, checks it came from `sessionId`, and
 * decides it through the API as reviewer `ann` with the reason `not this one`.
 */
export async function decideNextParked(
  baseUrl: string,
  events: Awaited<ReturnType<typeof openEventStream>>,
  permission: 'allow' | 'deny',
  sessionId: string,
): Promise<void> {
  const parked = await events.next(created)
  if (parked.type !== 'approval.created') throw new Error('expected approval.created')
  if (parked.approval.session_id !== sessionId) throw new Error(`parked call from session ${parked.approval.session_id}, expected ${sessionId}`)
  const decided = await call(baseUrl, 'POST', '/api/v1/approvals/decide', {
    approval_id: parked.approval.approval_id,
    permission,
    reviewer: 'ann',
    reason: 'not this one',
  })
  if (decided.status !== 200) throw new Error(`decide answered ${decided.status}: ${JSON.stringify(decided.body)}`)
}
