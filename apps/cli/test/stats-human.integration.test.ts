import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, externalMail } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'

describe('GET /api/v1/stats counts the calls a person reviewed (serve --ui)', { timeout: 60_000 }, () => {
  let server: ServerHandle
  beforeAll(async () => {
    server = await startTestServer({ ui: true })
  }, 60_000)
  afterAll(async () => server?.close())

  it('a reviewed call is a human call: human_count 1, and allow_count holds its final answer', async () => {
    const parked = await call(server.url, 'POST', '/api/v1/check', { ...externalMail(), hitl_wait: false }, { anonymous: true })
    expect(parked.status).toBe(202)
    const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: parked.body.approval_id, permission: 'allow', reviewer: 'ann' })
    expect(decided.status).toBe(200)
    let stats = (await call(server.url, 'GET', '/api/v1/stats')).body
    for (let i = 0; i < 50 && stats.total_decisions < 1; i++) {
      await new Promise((r) => setTimeout(r, 100))
      stats = (await call(server.url, 'GET', '/api/v1/stats')).body
    }
    expect(stats).toMatchObject({ total_decisions: 1, allow_count: 1, deny_count: 0, human_count: 1, fallback_count: 0 })
  })
})
