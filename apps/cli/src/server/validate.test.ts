import { CheckActionRequestSchema, CheckRequestSchema, createCheckRequestSchemas } from '@permit0/contracts'
import { describe, expect, it } from 'vitest'
import { assertJsonShape, PLAIN_JSON } from './validate.ts'

const PLAIN = createCheckRequestSchemas(PLAIN_JSON)

describe('assertJsonShape: is a parsed body plain JSON (what z.json() returns unchanged)?', () => {
  it.each([
    ['{"tool_name":"gmail_search","parameters":{"query":"from:me"}}', true],
    ['{"a":[1,-0,2.5e-7,null,true,"x",{"b":{}}],"c":[]}', true],
    ['"text"', true],
    ['{"a":{"b":[1e999]}}', false],
    ['{"a":-1e400}', false],
    ['{"__proto__":{"x":1}}', false],
    ['{"a":[{"__proto__":1}]}', false],
    ['{"proto":1,"__proto":2,"constructor":{}}', true],
  ])('%s → %s', (text, plain) => {
    expect(assertJsonShape(JSON.parse(text))).toBe(plain)
  })
})

/** Request bodies, valid and not: for a plain one, both schemas must give the same answer. */
const BODIES = [
  '{"tool_name":"gmail_search","parameters":{"query":"from:me newer_than:1d"}}',
  '{"tool":"Bash","input":{"command":"ls -la","nested":[1,{"a":null}]}}',
  '{"tool_name":"x","parameters":null}',
  '{"tool_name":"x","parameters":[1,2,{"3":[]}],"metadata":{"session_id":"s1","task_goal":"g","cwd":"/","extra":{"deep":[true]}}}',
  '{"tool_name":"x","parameters":"a string","client_kind":"cli","org_domain":"example.com","hitl_routing":"cc-prompt","hitl_timeout_secs":30,"hitl_wait":false,"client_deadline_secs":12.5,"trace":true,"unknown":{"ignored":1}}',
  '{"tool_name":"x"}',
  '{"parameters":{}}',
  '{"tool_name":"x","tool":"y","parameters":{},"input":{}}',
  '{"tool_name":"","parameters":{}}',
  '{"tool_name":7,"parameters":{}}',
  '{"tool_name":"x","parameters":{},"metadata":{"session_id":""}}',
  `{"tool_name":"x","parameters":{},"metadata":{"session_id":"${'s'.repeat(300)}"}}`,
  '{"tool_name":"x","parameters":{},"metadata":{"task_goal":5}}',
  '{"tool_name":"x","parameters":{},"metadata":[]}',
  '{"tool_name":"x","parameters":{},"hitl_timeout_secs":1.5}',
  '{"tool_name":"x","parameters":{},"hitl_timeout_secs":100000}',
  '{"tool_name":"x","parameters":{},"client_deadline_secs":0}',
  '{"tool_name":"x","parameters":{},"trace":"yes"}',
  '[]',
  'null',
  '"x"',
  // check_action bodies
  '{"action_type":"email.send","parameters":{"to":"a@b"},"source":"gmail"}',
  '{"action_type":"email.send"}',
  '{"action_type":"Email","parameters":{}}',
  '{"action_type":"email.send","parameters":[1]}',
  '{"action_type":"email.send","parameters":{},"metadata":{"session_id":"s"},"hitl_wait":true,"trace":false}',
]

describe('the plain-JSON check schemas answer exactly as the wire schemas', () => {
  it.each(BODIES)('%s', (text) => {
    const body: unknown = JSON.parse(text)
    expect(assertJsonShape(body)).toBe(true)
    for (const [wire, plain] of [
      [CheckRequestSchema, PLAIN.CheckRequestSchema],
      [CheckActionRequestSchema, PLAIN.CheckActionRequestSchema],
    ] as const) {
      const a = wire.safeParse(body)
      const b = plain.safeParse(body)
      expect(b.success).toBe(a.success)
      if (a.success && b.success) {
        expect(b.data).toStrictEqual(a.data)
        expect(JSON.stringify(b.data)).toBe(JSON.stringify(a.data))
      } else {
        expect(b.error?.issues).toStrictEqual(a.error?.issues)
      }
    }
  })
})
