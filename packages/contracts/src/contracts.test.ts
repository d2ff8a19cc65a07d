import { describe, expect, it } from 'vitest'
import {
  CheckRequestSchema,
  CheckResponseSchema,
  DecideRequestSchema,
  ErrorEnvelopeSchema,
  ListAddRequestSchema,
  MAX_SESSION_ID_LENGTH,
} from './index.ts'

const HASH = 'a'.repeat(64)

describe('CheckRequestSchema', () => {
  it('folds upstream aliases tool/input into tool_name/parameters', () => {
    const parsed = CheckRequestSchema.parse({ tool: 'Bash', input: { command: 'ls' } })
    expect(parsed).toEqual({ tool_name: 'Bash', parameters: { command: 'ls' }, metadata: {} })
  })

  it('keeps metadata, routing and timeout fields and ignores unknown keys', () => {
    const parsed = CheckRequestSchema.parse({
      tool_name: 'gmail_send',
      parameters: { to: 'x@y.z' },
      metadata: { session_id: 's1', task_goal: 'g', extra: 1 },
      hitl_timeout_secs: 5,
      hitl_wait: false,
      org_domain: 'acme.com',
      session_id: 'ignored',
    })
    expect(parsed.metadata).toEqual({ session_id: 's1', task_goal: 'g', extra: 1 })
    expect(parsed.hitl_timeout_secs).toBe(5)
    expect(parsed.hitl_wait).toBe(false)
    expect(parsed).not.toHaveProperty('session_id')
  })

  it.each([
    [{ parameters: {} }, 'tool_name'],
    [{ tool_name: 'a' }, 'parameters'],
    [{ tool_name: 'a', tool: 'b', parameters: {} }, 'tool'],
    [{ tool_name: 'a', parameters: {}, input: {} }, 'input'],
    [{ tool_name: 'a', parameters: {}, hitl_timeout_secs: -1 }, 'hitl_timeout_secs'],
    [{ tool_name: 'a', parameters: {}, metadata: null }, 'metadata'],
  ])('rejects %j naming %s', (body, path) => {
    const result = CheckRequestSchema.safeParse(body)
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path)
  })
})

describe('CheckResponseSchema', () => {
  const base = {
    permission: 'allow',
    source: 'Scorer',
    decision_source: 'Scorer',
    action_type: 'email.send',
    channel: 'gmail',
    norm_hash: HASH,
  }
  it('accepts a response without optionals', () => {
    expect(CheckResponseSchema.parse(base)).toEqual(base)
  })
  it('rejects null optionals and short hashes', () => {
    expect(CheckResponseSchema.safeParse({ ...base, score: null }).success).toBe(false)
    expect(CheckResponseSchema.safeParse({ ...base, norm_hash: 'abcd' }).success).toBe(false)
  })
})

describe('DecideRequestSchema', () => {
  it('accepts upstream permission spellings case-insensitively', () => {
    const id = '01HZZZZZZZZZZZZZZZZZZZZZZZ'
    expect(DecideRequestSchema.parse({ approval_id: id, permission: 'HumanInTheLoop' }).permission).toBe('human')
    expect(DecideRequestSchema.parse({ approval_id: id, permission: 'ALLOW' }).permission).toBe('allow')
    expect(DecideRequestSchema.safeParse({ approval_id: id, permission: 'maybe' }).success).toBe(false)
    expect(DecideRequestSchema.safeParse({ approval_id: 'nope', permission: 'allow' }).success).toBe(false)
  })
})

describe('lists and errors', () => {
  it('accepts norm_hash_hex in upper case', () => {
    expect(ListAddRequestSchema.parse({ norm_hash_hex: 'A'.repeat(64) })).toEqual({ norm_hash: HASH, reason: '' })
    expect(ListAddRequestSchema.safeParse({ reason: 'x' }).success).toBe(false)
  })
  it('parses an error envelope with issues', () => {
    const body = { error: { code: 'VALIDATION_FAILED', message: 'bad', requestId: 'r1', issues: [{ path: 'tool_name', message: 'required' }] } }
    expect(ErrorEnvelopeSchema.parse(body)).toEqual(body)
  })
})

describe('metadata.session_id', () => {
  it('is a non-empty string of at most SESSION_ID_MAX_LENGTH characters', () => {
    const parse = (session_id: unknown) => CheckRequestSchema.safeParse({ tool_name: 't', parameters: {}, metadata: { session_id } })
    expect(parse('s'.repeat(MAX_SESSION_ID_LENGTH)).success).toBe(true)
    for (const bad of ['', 's'.repeat(MAX_SESSION_ID_LENGTH + 1), 42, null, ['a']]) {
      const r = parse(bad)
      expect(r.success).toBe(false)
      expect(r.error?.issues[0]?.path).toEqual(['metadata', 'session_id'])
    }
  })
})
