import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { readPacksDir } from '../src/packs/packs-dir.ts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { checkBody, decideBody, fuzzEndpoint, fuzzPackLoader } from './helpers/fuzz.ts'
import { call, externalMail } from './helpers/http.ts'
import { emailPacksDir, startTestServer } from './helpers/in-process.ts'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/** Seeded: a failure reproduces with the same inputs (fast-check prints the counterexample). */
const SEED = 20_260_525
const RUNS = 300

describe('fuzz: no 5xx, no crash, the server keeps answering', () => {
  let server: ServerHandle
  beforeAll(async () => {
    // --ui so decide has a queue; hitl_wait:false bodies never park, others park briefly.
    server = await startTestServer({ ui: true, approvalTimeoutSecs: 1 })
  })
  afterAll(async () => server?.close())

  it(`POST /api/v1/check with ${RUNS} generated bodies`, async () => {
    const stats = await fuzzEndpoint(server.url, '/api/v1/check', checkBody, { numRuns: RUNS, seed: SEED, headers: { prefer: 'respond-async' } })
    expect(stats.runs).toBe(RUNS)
    // The generator reaches both the engine (200/202) and validation (400).
    expect(stats.byStatus[400]).toBeGreaterThan(0)
    expect((stats.byStatus[200] ?? 0) + (stats.byStatus[202] ?? 0)).toBeGreaterThan(0)
    expect((await call(server.url, 'GET', '/api/v1/health')).status).toBe(200)
  })

  it(`POST /api/v1/approvals/decide with ${RUNS} generated bodies, some for real pending approvals`, async () => {
    const ids: string[] = []
    for (let i = 0; i < 5; i += 1) {
      const parked = await call(server.url, 'POST', '/api/v1/check', { ...externalMail(`fuzz ${i}`), hitl_wait: false, hitl_timeout_secs: 600 })
      expect(parked.status).toBe(202)
      ids.push(parked.body.approval_id)
    }
    const stats = await fuzzEndpoint(server.url, '/api/v1/approvals/decide', decideBody(ids), { numRuns: RUNS, seed: SEED })
    expect(stats.runs).toBe(RUNS)
    expect(stats.byStatus[400]).toBeGreaterThan(0)
    expect(stats.byStatus[404]).toBeGreaterThan(0)
    // Exactly one decide per approval won; every other decide of it got 409.
    const decided = (await Promise.all(ids.map((id) => call(server.url, 'GET', `/api/v1/approvals/${id}`)))).filter(
      (r) => r.body.status === 'decided',
    )
    expect(stats.byStatus[200]).toBeGreaterThan(0)
    expect(stats.byStatus[200]).toBe(decided.length)
    expect(stats.byStatus[409]).toBeGreaterThan(0)
    expect((await call(server.url, 'GET', '/api/v1/health')).status).toBe(200)
    const verify = await call(server.url, 'GET', '/api/v1/audit/verify')
    expect(verify.body.ok).toBe(true)
  })
})

describe('fuzz: the pack loader', () => {
  it(`never throws on ${RUNS} mutated copies of a real pack`, () => {
    const files = readPacksDir(emailPacksDir())
    expect(files.length).toBeGreaterThan(5)
    const counts = fuzzPackLoader(files, { numRuns: RUNS, seed: SEED })
    expect(counts.ok + counts.rejected).toBe(RUNS)
    expect(counts.rejected).toBeGreaterThan(0)
    expect(counts.ok).toBeGreaterThan(0) // mutations that still load build a working engine
  })
})
