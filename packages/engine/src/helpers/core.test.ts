import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../types.ts'
import { CORE_HELPERS } from './core.ts'
import { HELPERS } from './registry.ts'

const call = (name: string, ...args: JsonValue[]): JsonValue => {
  const h = CORE_HELPERS.find((x) => x.name === name)
  if (!h) throw new Error(`no helper ${name}`)
  expect(args.length).toBe(h.arity)
  return h.fn(args)
}

describe('core helpers', () => {
  it('registers all 13 reference helpers in the table', () => {
    expect(CORE_HELPERS).toHaveLength(13)
    for (const h of CORE_HELPERS) expect(HELPERS.get(h.name)).toBe(h)
  })

  it.each([
    ['bob@external.com', 'acme.com', 'external'],
    ['alice@acme.com', 'acme.com', 'self'],
    ['alice@acme.com, bob@acme.com', 'acme.com', 'internal'],
    ['alice@acme.com, bob@ext.com', 'acme.com', 'mixed'],
    [['alice@acme.com', 'bob@ext.com'], 'acme.com', 'mixed'],
    [[], 'acme.com', 'unknown'],
    [null, 'acme.com', 'unknown'],
    [123, 'acme.com', 'unknown'],
    ['nobody', 'acme.com', 'internal'],
    ['', 'acme.com', 'internal'],
    ['A@ACME.com', 'acme.com', 'external'],
    ['bob@x.com', null, 'external'],
  ] as const)('recipient_scope(%j, %j) = %s', (to, org, expected) => {
    expect(call('recipient_scope', to as JsonValue, org)).toBe(expected)
  })

  it.each([
    ['bob@external.com', 'external.com'],
    ['a@b.com, c@d.com', 'b.com, c'],
    ['Bob <bob@ext.com>', 'ext.com>'],
    ['none', ''],
    [['a@b.c'], ''],
  ] as const)('extract_domain(%j) = %j', (v, expected) => {
    expect(call('extract_domain', v as JsonValue)).toBe(expected)
  })

  it('classify_destination', () => {
    expect(call('classify_destination', '', 'x')).toBe('unknown')
    expect(call('classify_destination', 'x', 'x')).toBe('internal')
    expect(call('classify_destination', 'y', 'x')).toBe('external')
  })

  it('count_pipes, parse_path_depth, string_length, list_length', () => {
    expect(call('count_pipes', 'a | b || c')).toBe(3)
    expect(call('count_pipes', null)).toBe(0)
    expect(call('parse_path_depth', '//a//b/')).toBe(2)
    expect(call('parse_path_depth', '/')).toBe(0)
    expect(call('string_length', 'héllo')).toBe(6)
    expect(call('string_length', 5)).toBe(0)
    expect(call('list_length', [1, 2, 3])).toBe(3)
    expect(call('list_length', 'abc')).toBe(0)
  })

  it.each([
    ['http://10.0.0.1/x', true],
    ['https://192.168.1.1:8080', true],
    ['172.16.0.1', true],
    ['172.200.1.1', true],
    ['172.15.0.1', false],
    ['localhost', true],
    ['http://127.0.0.1:3000/', true],
    ['https://example.com', false],
  ] as const)('is_private_ip(%s) = %s', (v, expected) => {
    expect(call('is_private_ip', v)).toBe(expected)
  })

  it.each([
    ['main.rs', 'code'],
    ['data.JSON', 'data'],
    ['json', 'data'],
    ['config.yml', 'config'],
    ['a.tar.gz', 'binary'],
    ['notes.txt', 'unknown'],
  ] as const)('classify_file_type(%s) = %s', (v, expected) => {
    expect(call('classify_file_type', v)).toBe(expected)
  })

  it.each([
    [1999, 1999],
    [12.345, 1235],
    ['19.99', 1999],
    [-0.005, -1],
    ['abc', 0],
    [true, 0],
    [null, 0],
  ] as const)('extract_amount_cents(%j) = %j', (v, expected) => {
    expect(call('extract_amount_cents', v, 'usd')).toBe(expected)
  })

  it.each([
    ['ssn 123-45-6789 here', true],
    ['call 555.123.4567', true],
    ['mail me at a@b.com', true],
    ['nothing to see', false],
    ['x1234567890123', false],
  ] as const)('detect_pii_patterns(%s) = %s', (v, expected) => {
    expect(call('detect_pii_patterns', v)).toBe(expected)
  })

  it('url_host and url_path', () => {
    expect(call('url_host', 'http://user:pw@h.com:80/x')).toBe('user')
    expect(call('url_host', 'https://api.x.com/v1')).toBe('api.x.com')
    expect(call('url_path', 'https://api.x.com/v1/a?q=1')).toBe('/v1/a')
    expect(call('url_path', 'api.x.com')).toBe('/')
  })
})
