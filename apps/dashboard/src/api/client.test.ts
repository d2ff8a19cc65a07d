// @vitest-environment node
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApprovalEvent } from '@permit0/contracts'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { makeApproval } from '../__tests__/fixtures.ts'
import { ApiError, ApiErrorCode, createApiClient, toQuery } from './client.ts'

type Handler = (req: IncomingMessage, res: ServerResponse) => void
let handler: Handler = (_req, res) => res.end()
const seen: { url: string; auth?: string; body: string; method: string }[] = []
let server: Server
let baseUrl = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ url: req.url ?? '', method: req.method ?? '', body, ...(req.headers.authorization && { auth: req.headers.authorization }) })
      handler(req, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const json = (status: number, value: unknown): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

describe('createApiClient (real HTTP on loopback)', () => {
  it('sends the bearer token and validates replies with the contracts', async () => {
    const approval = makeApproval()
    handler = json(200, { approvals: [approval] })
    const api = createApiClient({ baseUrl, getToken: () => 'tok-123' })
    expect(await api.listApprovals()).toEqual([approval])
    expect(seen.at(-1)).toMatchObject({ url: '/api/v1/approvals', auth: 'Bearer tok-123' })
  })

  it('rejects a reply that breaks the contract, naming the field', async () => {
    handler = json(200, { approvals: [{ ...makeApproval(), tier: 'SEVERE' }] })
    const error = await createApiClient({ baseUrl }).listApprovals().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe(ApiErrorCode.InvalidReply)
    expect((error as ApiError).message).toContain('approvals.0.tier')
  })

  it('maps 401 to UNAUTHORIZED and tells the app; 409 carries the winning resolution', async () => {
    const onUnauthorized = vi.fn()
    handler = (_req, res) => (res.writeHead(401), res.end())
    const e401 = await createApiClient({ baseUrl, onUnauthorized }).stats().catch((e: unknown) => e)
    expect((e401 as ApiError).code).toBe(ApiErrorCode.Unauthorized)
    expect(onUnauthorized).toHaveBeenCalledOnce()

    const resolution = { status: 'decided', permission: 'deny', reviewer: 'bo', resolved_at: '2026-05-24T10:00:00.000Z' }
    handler = json(409, { error: { code: 'APPROVAL_CONFLICT', message: 'already decided', requestId: 'r1', resolution } })
    const approval = makeApproval()
    const e409 = await createApiClient({ baseUrl })
      .decide({ approval_id: approval.approval_id, permission: 'allow', reviewer: 'ana' })
      .catch((e: unknown) => e)
    expect(e409).toMatchObject({ code: ApiErrorCode.Conflict, message: 'already decided', details: { status: 409, resolution } })
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual({ approval_id: approval.approval_id, permission: 'allow', reviewer: 'ana' })
  })

  it('answers a server without /whoami with full access, and reports an unreachable server', async () => {
    handler = json(404, { error: { code: 'NOT_FOUND', message: 'No such route', requestId: 'r' } })
    expect(await createApiClient({ baseUrl }).whoami()).toEqual({ role: 'admin', auth: false })
    const down = await createApiClient({ baseUrl: 'http://127.0.0.1:1' }).health().catch((e: unknown) => e)
    expect((down as ApiError).code).toBe(ApiErrorCode.Network)
  })

  it('parses server-sent approval events split across chunks, skipping keep-alives', async () => {
    const approval = makeApproval()
    const created = `event: approval.created\ndata: ${JSON.stringify({ type: 'approval.created', approval })}\n\n`
    const resolved = `event: approval.resolved\ndata: ${JSON.stringify({
      type: 'approval.resolved',
      approval_id: approval.approval_id,
      resolution: { status: 'expired', resolved_at: '2026-05-24T10:05:00.000Z' },
    })}\n\n`
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(': keep-alive\n\n')
      res.write(created.slice(0, 40))
      setImmediate(() => {
        res.write(created.slice(40) + 'event: ping\ndata: not-json\n\n')
        res.end(resolved)
      })
    }
    const events: ApprovalEvent[] = []
    const onOpen = vi.fn()
    await createApiClient({ baseUrl }).streamApprovals((e) => events.push(e), { signal: new AbortController().signal, onOpen })
    expect(onOpen).toHaveBeenCalledOnce()
    expect(events.map((e) => e.type)).toEqual(['approval.created', 'approval.resolved'])
    expect(seen.at(-1)?.url).toBe('/api/v1/approvals/stream')
  })

  it('builds queries from defined, non-empty values only', () => {
    expect(toQuery({ a: 'x y', b: undefined, c: '', d: 5 })).toBe('?a=x+y&d=5')
    expect(toQuery({})).toBe('')
  })
})
