import { describe, expect, it } from 'vitest'
import { Layer, type SettingLayers, mergeLayers, resolveSetting } from './resolve.ts'

describe('resolveSetting: flag > env > file > default, empty = unset', () => {
  it.each<[string, SettingLayers<string | number | boolean>, unknown, Layer | undefined]>([
    ['flag wins', { flag: 'f', env: 'e', file: 'c', fallback: 'd' }, 'f', Layer.Flag],
    ['env over file', { env: 'e', file: 'c', fallback: 'd' }, 'e', Layer.Env],
    ['file over default', { file: 'c', fallback: 'd' }, 'c', Layer.File],
    ['default last', { fallback: 'd' }, 'd', Layer.Default],
    ['nothing set', {}, undefined, undefined],
    ['empty env is unset', { env: '', file: 'c' }, 'c', Layer.File],
    ['empty flag is unset', { flag: '', env: 'e' }, 'e', Layer.Env],
    ['empty file value is unset', { file: '', fallback: 'd' }, 'd', Layer.Default],
    ['false is a value, not unset', { flag: false, env: true, fallback: true }, false, Layer.Flag],
    ['0 is a value, not unset', { env: 0, file: 5 }, 0, Layer.Env],
  ])('%s', (_name, layers, value, from) => {
    expect(resolveSetting(layers)).toEqual({ value, from })
  })
})

describe('mergeLayers', () => {
  it('picks per key and reports the layer; keys no layer sets are left out', () => {
    const merged = mergeLayers<{ a?: string; b?: string; c?: number; d?: string }>({
      flags: { a: 'flag', b: undefined, d: undefined },
      env: { a: 'env', b: '' },
      file: { b: 'file', c: 3 },
    })
    expect(merged).toEqual({ values: { a: 'flag', b: 'file', c: 3 }, sources: { a: Layer.Flag, b: Layer.File, c: Layer.File } })
  })
})
