import { ClientError, ClientErrorCode } from './errors.ts'

export interface HttpReply {
  readonly status: number
  /** Parsed JSON body, or the raw text when the body is not JSON. */
  readonly body: unknown
  readonly text: string
}

export interface RequestOptions {
  readonly method: 'GET' | 'POST'
  readonly url: string
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/**
 * One HTTP exchange with a hard deadline. Transport failures and timeouts become `ClientError`s;
 * any HTTP status is returned (the caller decides what a 4xx/5xx means).
 */
export async function sendRequest(fetchFn: FetchLike, req: RequestOptions): Promise<HttpReply> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, req.timeoutMs)
  const onCallerAbort = () => controller.abort()
  req.signal?.addEventListener('abort', onCallerAbort, { once: true })
  try {
    const res = await fetchFn(req.url, {
      method: req.method,
      headers: {
        accept: 'application/json',
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...req.headers,
      },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      signal: controller.signal,
    })
    const text = await res.text()
    let body: unknown = text
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, text }
  } catch (err) {
    if (req.signal?.aborted) throw err
    if (timedOut) {
      throw new ClientError(
        ClientErrorCode.Timeout,
        `${req.method} ${req.url} timed out after ${req.timeoutMs} ms`,
        { url: req.url, timeoutMs: req.timeoutMs },
        { cause: err },
      )
    }
    const code = transportCode(err)
    throw new ClientError(
      ClientErrorCode.Transport,
      `permit0 daemon unreachable at ${req.url}${code ? ` (${code})` : ''}`,
      { url: req.url, ...(code ? { errno: code } : {}) },
      { cause: err },
    )
  } finally {
    clearTimeout(timer)
    req.signal?.removeEventListener('abort', onCallerAbort)
  }
}

function transportCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Turns a non-2xx reply into the error the caller throws. */
export function httpError(what: string, reply: HttpReply): ClientError {
  const message = errorMessage(reply)
  return new ClientError(
    ClientErrorCode.Http,
    `${what} returned HTTP ${reply.status}${message ? `: ${message}` : ''}`,
    { status: reply.status, body: reply.body },
  )
}

function errorMessage(reply: HttpReply): string {
  const body = reply.body as { error?: unknown } | undefined
  if (body && typeof body === 'object') {
    const err = body.error
    if (typeof err === 'string') return err
    if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
      return (err as { message: string }).message
    }
  }
  return reply.text.slice(0, 200)
}

/** Exponential backoff without jitter: `base · 2^attempt`, capped. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** attempt)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
