import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseYamlValue } from './yaml-value.ts'

afterEach(() => vi.restoreAllMocks())

describe('parseYamlValue', () => {
  it('returns the plain value', () => {
    expect(parseYamlValue('remote: http://127.0.0.1:9090\nunknown: ask\n')).toEqual({ remote: 'http://127.0.0.1:9090', unknown: 'ask' })
  })

  it.each([
    ['a collection key', 'name: x\n[a, b]: 1\n', '2:1: YAML error: a sequence cannot be used as a mapping key'],
    ['a duplicate key', 'name: x\nname: y\n', '2:1: YAML error: Map keys must be unique'],
    ['broken syntax', 'name: [x\n', '1:'],
  ])('throws on %s with line:column and emits no process warning', (_name, text, message) => {
    const warn = vi.spyOn(process, 'emitWarning')
    expect(() => parseYamlValue(text)).toThrow(message)
    expect(warn).not.toHaveBeenCalled()
  })
})
