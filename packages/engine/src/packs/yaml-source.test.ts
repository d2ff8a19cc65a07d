import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseProfile } from '../profiles/profile.ts'
import { parseYaml } from './yaml-source.ts'

afterEach(() => vi.restoreAllMocks())

describe('a collection as a mapping key', () => {
  it.each([
    ['flow sequence', 'a: 1\n[x, y]: 2\n', [], 2, 1, 'sequence'],
    ['flow mapping', 'a:\n  b: 1\n  ? {c: 1}\n  : 2\n', ['a'], 3, 5, 'mapping'],
    ['explicit key', 'rules:\n  - ok: 1\n  - ? [when, then]\n    : 1\n', ['rules', 1], 3, 7, 'sequence'],
    ['alias to a mapping', 'base: &m { k: v }\n*m : 1\n', [], 2, 1, 'mapping'],
  ] as const)('%s → an error at its line, no value, no process warning', (_name, text, path, line, column, kind) => {
    const warn = vi.spyOn(process, 'emitWarning')
    const parsed = parseYaml(text)
    expect(parsed.value).toBeUndefined()
    expect(parsed.issues).toEqual([
      expect.objectContaining({ severity: 'error', code: 'collection_key', path, line, column, message: `YAML error: a ${kind} cannot be used as a mapping key` }),
    ])
    expect(warn).not.toHaveBeenCalled()
  })

  it('scalar and aliased scalar keys stay valid', () => {
    const parsed = parseYaml('a: &k key\n*k : 1\n2: two\n')
    expect(parsed.issues).toEqual([])
    expect(parsed.value).toEqual({ a: 'key', key: 1, 2: 'two' })
  })

  it('in a profile too', () => {
    const warn = vi.spyOn(process, 'emitWarning')
    const result = parseProfile('id: p\nbase_adjustments:\n  [a]: 1\n')
    expect(result).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'collection_key', line: 3, column: 3 })] })
    expect(warn).not.toHaveBeenCalled()
  })
})
