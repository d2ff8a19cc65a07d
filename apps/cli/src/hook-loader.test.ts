import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CACHE_KEY_FILE, ensureCacheKey } from './cache-key.ts'
import { HOOK_CODE_CACHE_FILE, hookCacheDir, readCodeCache, writeCodeCache } from './hook-loader.ts'

describe('the hook code cache', () => {
  let dir: string
  const id = '0.1.0 v20.20.2 1272836 1764690000000 42'
  const data = Buffer.from('V8 code cache bytes \u0000\u0001\u0002')
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'permit0-code-cache-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const path = () => join(dir, HOOK_CODE_CACHE_FILE)

  it('reads back what it wrote, for the same bundle under the same key', () => {
    writeCodeCache(dir, id, data)
    expect(readCodeCache(path(), id, ensureCacheKey(dir))).toEqual(data)
  })

  it('ignores a cache made from another bundle (version, size, mtime or inode differ)', () => {
    writeCodeCache(dir, id, data)
    expect(readCodeCache(path(), id.replace(' 42', ' 43'), ensureCacheKey(dir))).toBeUndefined()
  })

  it('ignores a corrupt cache (one byte changed) and a foreign one (another key)', () => {
    writeCodeCache(dir, id, data)
    const file = readFileSync(path())
    file.writeUInt8(file.readUInt8(file.length - 1) ^ 1, file.length - 1)
    writeFileSync(path(), file)
    expect(readCodeCache(path(), id, ensureCacheKey(dir))).toBeUndefined()

    writeCodeCache(dir, id, data)
    writeFileSync(join(dir, CACHE_KEY_FILE), Buffer.alloc(32, 7))
    expect(readCodeCache(path(), id, ensureCacheKey(dir))).toBeUndefined()
  })

  it('has nothing without a key or a file, and never throws on garbage', () => {
    expect(readCodeCache(path(), id, undefined)).toBeUndefined()
    expect(readCodeCache(path(), id, ensureCacheKey(dir))).toBeUndefined()
    writeFileSync(path(), 'not a cache')
    expect(readCodeCache(path(), id, ensureCacheKey(dir))).toBeUndefined()
  })

  it('lives in <data dir>/cache: PERMIT0_DATA_DIR, else ~/.permit0', () => {
    expect(hookCacheDir({ PERMIT0_DATA_DIR: '/d', HOME: '/h' })).toBe(join('/d', 'cache'))
    expect(hookCacheDir({ HOME: '/h' })).toBe(join('/h', '.permit0', 'cache'))
  })
})
