/**
 * The request body and abort signal read straight from Node's request (`@hono/node-server` passes
 * `{ incoming, outgoing }` as the bindings), without the web `Request`, body stream and
 * `AbortSignal` the adapter otherwise builds for every call that touches `c.req.raw.body`,
 * `.text()` or `.signal` (≈ 10 % of a cache-hit `/check`, docs/benchmarks.md).
 *
 * The lean path covers requests that announce their size (`Content-Length`, no
 * `Transfer-Encoding`): `leanBodyLimit` refuses one above the limit before any byte is read, and
 * `readBodyText` reads exactly that request from the socket (never more than the limit). A chunked
 * request, and every request of an app served without Node bindings (`app.request()` in tests),
 * takes Hono's `bodyLimit` and the web `Request` as before.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from './env.ts'
import { nodeBindings as bindings } from './node-request.ts'

/** Body limit for `/api/*`: `onTooLarge` throws. Lean for a `Content-Length` request on Node. */
export function leanBodyLimit(maxSize: number, onTooLarge: () => never): MiddlewareHandler<AppEnv> {
  const fallback = bodyLimit({ maxSize, onError: onTooLarge })
  return async (c, next) => {
    const { incoming } = bindings(c)
    const length = incoming?.headers['content-length']
    if (incoming === undefined || length === undefined || incoming.headers['transfer-encoding'] !== undefined) {
      return fallback(c, next)
    }
    const size = Number(length)
    if (!Number.isSafeInteger(size) || size < 0) return fallback(c, next)
    if (size > maxSize) onTooLarge()
    c.set('leanBody', { incoming, size })
    return next()
  }
}

/** The request body as UTF-8 text (read once). */
export async function readBodyText(c: Context<AppEnv>): Promise<string> {
  const lean = c.get('leanBody')
  if (lean === undefined) return c.req.text()
  c.set('leanBody', undefined)
  const { incoming, size } = lean
  if (size === 0) return ''
  // Stream events rather than `for await`: the async iterator (end-of-stream watcher, a promise per
  // chunk) cost more than the rest of reading a small body. Same outcomes: the bytes, the stream's
  // error, `Premature close` when the client leaves mid-body, the length checks.
  const prematureClose = () => Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })
  if (incoming.destroyed) throw incoming.errored ?? prematureClose()
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    let read = 0
    const done = (): void => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      read += chunk.length
      if (read > size) {
        done()
        incoming.destroy()
        reject(new Error(`request body longer than its Content-Length (${size} bytes)`))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      done()
      if (read < size) reject(new Error(`request body shorter than its Content-Length (${read} of ${size} bytes)`))
      else resolve(Buffer.concat(chunks, read).toString('utf8'))
    }
    const onError = (err: Error): void => {
      done()
      reject(err)
    }
    const onClose = (): void => {
      done()
      reject(prematureClose())
    }
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
    incoming.on('close', onClose)
  })
}

/** Aborted when the client goes away before the answer is written (as the adapter's signal). */
export function requestSignal(c: Context<AppEnv>): AbortSignal {
  return lazyRequestSignal(c).signal
}

/**
 * `{ signal }` with `requestSignal(c)`'s signal, whose `AbortController` is made when `signal` is
 * first read: a `/check` that parks reads it, most never do. The connection is watched from the
 * start, so a signal first read after the client went away is already aborted, for the same reason.
 */
export function lazyRequestSignal(c: Context<AppEnv>): { readonly signal: AbortSignal } {
  const { incoming, outgoing } = bindings(c)
  if (incoming === undefined || outgoing === undefined) {
    return {
      get signal() {
        return c.req.raw.signal
      },
    }
  }
  let controller: AbortController | undefined
  let abortedFor: string | undefined
  outgoing.once('close', () => {
    if (incoming.errored) abortedFor = incoming.errored.toString()
    else if (!outgoing.writableFinished) abortedFor = 'Client connection prematurely closed.'
    if (abortedFor !== undefined) controller?.abort(abortedFor)
  })
  return {
    get signal() {
      if (controller === undefined) {
        controller = new AbortController()
        if (abortedFor !== undefined) controller.abort(abortedFor)
      }
      return controller.signal
    },
  }
}
