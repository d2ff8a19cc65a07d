import { randomUUID } from 'node:crypto'
import { Hono, type MiddlewareHandler } from 'hono'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import { LINK_PAGE_CSP } from '../notify/confirm-page.ts'
import type { AppEnv } from './env.ts'
import { nodeBindings, requestHeader } from './node-request.ts'

/**
 * The dashboard's Content-Security-Policy: everything from this origin only (no CDN, no
 * external fonts or images), no plugins, no framing, no inline scripts.
 */
export const UI_CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

const COMMON = {
  // TLS is terminated by whatever fronts a team deployment; HSTS is its decision.
  strictTransportSecurity: false,
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  crossOriginEmbedderPolicy: false,
} as const

type HeaderSet = 'ui' | 'link' | 'api'

const headerSetOf = (path: string): HeaderSet =>
  path === '/ui' || path.startsWith('/ui/') ? 'ui' : path.startsWith('/notify/link/') ? 'link' : 'api'

/**
 * Security headers on every response (nosniff, no framing, no referrer); `/ui/` responses also
 * carry the dashboard CSP, API responses a CSP that allows nothing (JSON is never a document).
 */
function securityHeaderSets(): Record<HeaderSet, MiddlewareHandler<AppEnv>> {
  return {
    ui: secureHeaders({ ...COMMON, contentSecurityPolicy: UI_CONTENT_SECURITY_POLICY }),
    api: secureHeaders({ ...COMMON, contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }),
    // Approve/deny link pages: one hashed inline stylesheet, a form posting back to itself, nothing else.
    link: secureHeaders({ ...COMMON, contentSecurityPolicy: LINK_PAGE_CSP }),
  }
}

/** What `secureHeaders` adds to a response, as `[lower-case name, value]` pairs. */
async function headersAdded(middleware: MiddlewareHandler<AppEnv>): Promise<ReadonlyArray<readonly [string, string]>> {
  const res = await new Hono<AppEnv>()
    .use(middleware)
    .all('*', (c) => c.body(null, 204))
    .request('/')
  return [...res.headers]
}

const REQUEST_ID_HEADER = 'x-request-id'
/** `hono/request-id`'s rule for a caller's own id: at most 255 characters of `[A-Za-z0-9_=-]`. */
const REQUEST_ID_MAX_LENGTH = 255
const NOT_REQUEST_ID = /[^\w\-=]/

/**
 * `requestId()` and the security headers in one middleware. Served by Node, it reads `X-Request-Id`
 * from the raw request and puts the id and the security headers on Node's response
 * (`setHeader`, precomputed sets), which the adapter merges into the head it writes: no web
 * `Headers` for the request or the reply, no per-request header building. The sets are what
 * `secureHeaders` adds with the same options (computed once through it). Without Node bindings
 * (`app.request()`), Hono's two middlewares run as before.
 *
 * One difference: a route that sets one of these headers itself keeps its value here, where
 * `secureHeaders` would overwrite it. No route does.
 */
export function responseHeaders(): MiddlewareHandler<AppEnv> {
  const requestIds = requestId()
  const middlewares = securityHeaderSets()
  let sets: Record<HeaderSet, ReadonlyArray<readonly [string, string]>> | undefined
  const ready = Promise.all([headersAdded(middlewares.ui), headersAdded(middlewares.link), headersAdded(middlewares.api)]).then(
    ([ui, link, api]) => (sets = { ui, link, api }),
  )
  return async (c, next) => {
    const { outgoing } = nodeBindings(c)
    if (outgoing === undefined) {
      return requestIds(c, async () => {
        await middlewares[headerSetOf(c.req.path)](c, next)
      })
    }
    const given = requestHeader(c, REQUEST_ID_HEADER)
    const id = !given || given.length > REQUEST_ID_MAX_LENGTH || NOT_REQUEST_ID.test(given) ? randomUUID() : given
    c.set('requestId', id)
    const headers = (sets ?? (await ready))[headerSetOf(c.req.path)]
    outgoing.setHeader(REQUEST_ID_HEADER, id)
    for (const [name, value] of headers) outgoing.setHeader(name, value)
    await next()
  }
}
