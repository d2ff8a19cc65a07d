import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CalibrationRecordsSchema,
  CalibrationStatsSchema,
  PacksSchema,
  PackValidateResponseSchema,
} from '@permit0/contracts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, created, externalMail, openEventStream } from './helpers/http.ts'
import { emailPacksDir, startTestServer } from './helpers/in-process.ts'

const NORMALIZER = readFileSync(join(emailPacksDir(), 'email/normalizers/gmail/delete.yaml'), 'utf8')

describe('the dashboard routes: packs, pack validation, calibration', () => {
  let server: ServerHandle
  beforeAll(async () => {
    server = await startTestServer({ calibrate: true })
  }, 60_000)
  afterAll(async () => server?.close(), 60_000)

  it('GET /packs lists the loaded packs with their normalizers and risk rules', async () => {
    const r = await call(server.url, 'GET', '/api/v1/packs')
    expect(r.status).toBe(200)
    const body = PacksSchema.parse(r.body)
    expect(body.packs.map((p) => p.name)).toEqual(['permit0/email'])
    const email = body.packs[0]!
    expect(email.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(email.normalizers).toContainEqual({ id: 'email:gmail_delete', action_type: 'email.delete', channel: 'gmail', priority: 126 })
    const send = email.risk_rules.find((rule) => rule.action_type === 'email.send')
    expect(send?.flags.length).toBeGreaterThan(0)
  })

  it.each([
    ['a real normalizer', NORMALIZER, true, undefined],
    ['a manifest', 'pack_format: 2\npermit0_pack: acme/mail\nname: mail\nversion: 1.0.0\naction_types: [email.send]\n', true, undefined],
    ['an unknown action type', NORMALIZER.replace('action_type: email.delete', 'action_type: email.teleport'), false, /email\.teleport|teleport/],
    ['broken YAML', 'match:\n  tool: [unclosed\n', false, /line \d+/],
    ['a document that is no pack file', 'hello: world\n', false, /not a pack file/],
  ])('POST /packs/validate: %s', async (_name, yaml, valid, message) => {
    const r = await call(server.url, 'POST', '/api/v1/packs/validate', { yaml })
    expect(r.status).toBe(200)
    const body = PackValidateResponseSchema.parse(r.body)
    expect(body.valid, JSON.stringify(body.errors)).toBe(valid)
    if (valid) expect(body.errors).toEqual([])
    else expect(JSON.stringify(body.errors)).toMatch(message!)
  })

  it('validation never changes the running engine, and a bad body is a 400', async () => {
    const before = (await call(server.url, 'GET', '/api/v1/packs')).body
    const teleport = NORMALIZER.replace('id: email:gmail_delete', 'id: email:gmail_teleport').replace('tool: gmail_delete', 'tool: gmail_teleport')
    expect((await call(server.url, 'POST', '/api/v1/packs/validate', { yaml: teleport })).body.valid).toBe(true)
    expect((await call(server.url, 'GET', '/api/v1/packs')).body).toEqual(before)
    expect((await call(server.url, 'POST', '/api/v1/packs/validate', { yaml: 42 })).status).toBe(400)
  })

  it('calibration routes answer in the dashboard schemas, with a decided calibration record', async () => {
    const events = await openEventStream(server.url)
    try {
      const parked = call(server.url, 'POST', '/api/v1/check', externalMail('calibrate me'))
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected approval.created')
      await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: event.approval.approval_id, permission: 'deny', reviewer: 'cal' })
      expect((await parked).body).toMatchObject({ permission: 'deny', source: 'HumanReviewer' })
    } finally {
      events.close()
    }
    const stats = CalibrationStatsSchema.parse((await call(server.url, 'GET', '/api/v1/calibration/stats')).body)
    expect(stats).toMatchObject({ total: 1, overridden: 1, matched: 0 })
    expect(stats.by_reviewer).toEqual([{ reviewer: 'cal', count: 1 }])
    const records = CalibrationRecordsSchema.parse((await call(server.url, 'GET', '/api/v1/calibration/records?agreement=overridden')).body)
    expect(records.records).toHaveLength(1)
  })

  it('the OpenAPI document lists the new routes', async () => {
    const paths = Object.keys((await call(server.url, 'GET', '/api/v1/openapi.json')).body.paths)
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/packs', '/api/v1/packs/validate', '/api/v1/calibration/stats', '/api/v1/calibration/records']))
  })
})
