import { connect, type AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEnv } from './env.ts'
import { requestCookie, requestHeader } from './node-request.ts'
import { responseHeaders } from './security-headers.ts'

/** A small app behind `responseHeaders()`, asked the same things in process and over a socket. */
function makeApp() {
  const app = new Hono<AppEnv>()
  app.use(responseHeaders())
  app.onError((err, c) => c.json({ error: err.message, requestId: c.get('requestId') }, 500))
  app.notFound((c) => c.json({ error: 'none', requestId: c.get('requestId') }, 404))
  app.get('/api/v1/ok', (c) => c.json({ requestId: c.get('requestId') }))
  app.post('/api/v1/ok', (c) => {
    c.header('Preference-Applied', 'respond-async')
    return c.json({ requestId: c.get('requestId') }, 202)
  })
  app.get('/api/v1/boom', () => {
    throw new Error('boom')
  })
  app.get('/ui/*', (c) => c.html('<!doctype html><title>t</title>'))
  app.get('/ui', (c) => c.redirect('/ui/'))
  app.get('/notify/link/:id', (c) => c.html('<form method="post"></form>'))
  app.get('/raw', () => new Response('raw', { headers: { 'content-type': 'text/plain' } }))
  app.get('/echo', (c) =>
    c.json({
      host: requestHeader(c, 'host') ?? null,
      type: requestHeader(c, 'content-type') ?? null,
      auth: requestHeader(c, 'authorization') ?? null,
      cookie: requestHeader(c, 'cookie') ?? null,
      session: requestCookie(c, 'p0_session') ?? null,
      x: requestHeader(c, 'x-multi') ?? null,
    }),
  )
  return app
}

/** Headers that differ between two replies for reasons of transport, not of the app. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

function headerMap(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of res.headers) if (!TRANSPORT.has(k)) out[k] = k === 'x-request-id' && UUID.test(v) ? '<uuid>' : v
  return out
}

describe('responseHeaders over Node gives the headers of hono requestId + secureHeaders', () => {
  const app = makeApp()
  let server: ServerType
  let url: string
  beforeAll(async () => {
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
    })
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it.each([
    ['GET', '/api/v1/ok', {}],
    ['POST', '/api/v1/ok', { 'content-type': 'application/json' }],
    ['GET', '/api/v1/ok', { 'x-request-id': 'caller-id_1=' }],
    ['GET', '/api/v1/ok', { 'x-request-id': 'not valid!' }],
    ['GET', '/api/v1/ok', { 'x-request-id': 'x'.repeat(256) }],
    ['GET', '/api/v1/boom', {}],
    ['GET', '/api/v1/missing', {}],
    ['GET', '/ui/', {}],
    ['GET', '/ui/approvals', {}],
    ['GET', '/ui', {}],
    ['GET', '/notify/link/abc', {}],
    ['GET', '/raw', {}],
  ] as const)('%s %s %j', async (method, path, headers) => {
    const inProcess = await app.request(path, { method, headers })
    const overNode = await fetch(`${url}${path}`, { method, headers, redirect: 'manual' })
    expect(overNode.status).toBe(inProcess.status)
    const expected = headerMap(inProcess)
    const got = headerMap(overNode)
    if (path === '/raw') {
      // Hono's requestId only reaches responses built through the context; Node's carries it always.
      expect(expected['x-request-id']).toBeUndefined()
      delete got['x-request-id']
    }
    expect(got).toEqual(expected)
    const body = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, '<uuid>')
    expect(body(await overNode.text())).toBe(body(await inProcess.text()))
  })

  it('uses a valid caller id as the request id and makes one up otherwise', async () => {
    const mine = await fetch(`${url}/api/v1/ok`, { headers: { 'x-request-id': 'abc-123' } })
    expect(mine.headers.get('x-request-id')).toBe('abc-123')
    expect(await mine.json()).toEqual({ requestId: 'abc-123' })
    const made = await fetch(`${url}/api/v1/ok`, { headers: { 'x-request-id': 'a b' } })
    const id = made.headers.get('x-request-id') ?? ''
    expect(id).toMatch(UUID)
    expect(await made.json()).toEqual({ requestId: id })
  })

  /** One request written by hand, so a header can repeat (fetch folds them). */
  const rawGet = (path: string, lines: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const port = (server.address() as AddressInfo).port
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET ${path} HTTP/1.1\r\n${lines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`)
      })
      let text = ''
      socket.on('data', (d: Buffer) => (text += d.toString('utf8')))
      socket.on('end', () => resolve(text.slice(text.indexOf('\r\n\r\n') + 4)))
      socket.on('error', reject)
    })

  it.each([
    ['one of each', ['Host: 127.0.0.1', 'Content-Type: application/json', 'Authorization: Bearer abc', 'Cookie: p0_session=s1; other=2']],
    ['repeated fields are joined as Headers.get joins them', [
      'Host: 127.0.0.1',
      'host: evil.example',
      'Content-Type: application/json',
      'content-type: text/plain',
      'Authorization: Bearer a',
      'AUTHORIZATION: Bearer b',
      'Cookie: a=1',
      'cookie: p0_session=s2',
      'X-Multi: one',
      'x-multi:   two  ',
      'X-Multi:',
    ]],
    ['absent ones', ['Host: localhost']],
  ])('requestHeader reads Node raw headers as Hono reads its Headers: %s', async (_name, lines) => {
    const overNode = JSON.parse(await rawGet('/echo', lines)) as Record<string, unknown>
    const pairs = lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] as [string, string])
    const inProcess = (await (await app.request('http://127.0.0.1/echo', { headers: pairs })).json()) as Record<string, unknown>
    expect(overNode).toEqual(inProcess)
    if (lines.length > 5) expect(overNode).toMatchObject({ host: '127.0.0.1, evil.example', cookie: 'a=1; p0_session=s2', session: 's2', x: 'one, two, ' })
  })
})
