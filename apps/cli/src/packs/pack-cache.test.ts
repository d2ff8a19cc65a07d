import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadPackSet, type PackFile } from '@permit0/engine'
import { applyPackCache, PACK_CACHE_FILE, PACK_CACHE_FORMAT, PACK_CACHE_KEY_FILE, PackCacheStatus } from './pack-cache.ts'
import { readPacksDir } from './packs-dir.ts'
import { REPO_ROOT } from '../../test/helpers/in-process.ts'

const files: PackFile[] = readPacksDir(join(REPO_ROOT, 'packs/permit0'))
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'permit0-pack-cache-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const cacheText = () => readFileSync(join(dir, PACK_CACHE_FILE), 'utf8')
const options = () => ({ dir, version: '1.2.3' })

describe('the on-disk pack cache', () => {
  it('first call builds it, the next hits, and the cached values load the same pack set', () => {
    const first = applyPackCache(files, options())
    expect(first.status).toBe(PackCacheStatus.Rebuilt)
    const second = applyPackCache(files, options())
    expect(second.status).toBe(PackCacheStatus.Hit)
    expect(second.files.every((f) => f.value !== undefined)).toBe(true)
    const fromText = loadPackSet(files)
    const fromCache = loadPackSet(second.files)
    expect(fromCache.ok).toBe(true)
    expect(fromCache.ok && fromText.ok && fromCache.packSet.riskRules.map((r) => r.doc)).toEqual(fromText.ok && fromText.packSet.riskRules.map((r) => r.doc))
    expect(readFileSync(join(dir, PACK_CACHE_KEY_FILE)).length).toBe(32)
  })

  it('a changed pack file is parsed again (its new text, not the cached value)', () => {
    applyPackCache(files, options())
    const target = files.findIndex((f) => f.path.endsWith('pack.yaml'))
    const edited = files.map((f, i) => (i === target ? { ...f, text: `${f.text}\n# edited\n` } : f))
    const r = applyPackCache(edited, options())
    expect(r.status).toBe(PackCacheStatus.Updated)
    expect(applyPackCache(edited, options()).status).toBe(PackCacheStatus.Hit)
  })

  it.each([
    ['corrupt (truncated)', (t: string) => t.slice(0, t.length / 2), /signature does not match/],
    ['corrupt (garbage)', () => 'not a cache', /corrupt header/],
    ['forged (valid JSON, another key)', (t: string) => t.replace(/^(\S+) [0-9a-f]{64}/, `$1 ${'0'.repeat(64)}`), /signature does not match/],
  ] as const)('a %s cache is rebuilt, never trusted', (_what, mutate, reason) => {
    applyPackCache(files, options())
    writeFileSync(join(dir, PACK_CACHE_FILE), mutate(cacheText()))
    const r = applyPackCache(files, options())
    expect(r.status).toBe(PackCacheStatus.Rebuilt)
    expect(r.note).toMatch(reason)
    expect(applyPackCache(files, options()).status).toBe(PackCacheStatus.Hit)
  })

  it('a cache whose values were swapped by someone without the key is rebuilt (values come from the text again)', () => {
    applyPackCache(files, options())
    const [header, body] = [cacheText().split('\n')[0]!, cacheText().slice(cacheText().indexOf('\n') + 1)]
    const tampered = JSON.parse(body) as { entries: Record<string, unknown> }
    for (const k of Object.keys(tampered.entries)) tampered.entries[k] = { permit0_pack: 'evil' }
    writeFileSync(join(dir, PACK_CACHE_FILE), `${header}\n${JSON.stringify(tampered)}`)
    const r = applyPackCache(files, options())
    expect(r.status).toBe(PackCacheStatus.Rebuilt)
    expect(JSON.stringify(r.files.map((f) => f.value))).not.toContain('evil')
  })

  it('a cache from another permit0 version, or made with another key (foreign), is rebuilt', () => {
    applyPackCache(files, options())
    const other = applyPackCache(files, { dir, version: '9.9.9' })
    expect(other.status).toBe(PackCacheStatus.Rebuilt)
    expect(other.note).toContain('written by permit0 1.2.3')
    writeFileSync(join(dir, PACK_CACHE_KEY_FILE), Buffer.alloc(32, 7))
    expect(applyPackCache(files, { dir, version: '9.9.9' }).status).toBe(PackCacheStatus.Rebuilt)
    expect(cacheText().startsWith(`${PACK_CACHE_FORMAT} `)).toBe(true)
  })

  it('YAML with issues is never cached (parsed each time, so its errors keep their line numbers)', () => {
    const broken: PackFile[] = [{ path: 'x/pack.yaml', text: 'a: 1\na: 2\n' }]
    const r = applyPackCache(broken, options())
    expect(r.files[0]!.value).toBeUndefined()
    const loaded = loadPackSet(r.files)
    expect(loaded.issues.some((i) => i.line === 2)).toBe(true)
  })

  it('an unwritable cache dir only costs the speed-up', () => {
    writeFileSync(join(dir, 'file'), '')
    const r = applyPackCache(files, { dir: join(dir, 'file', 'sub'), version: '1' })
    expect(r.status).toBe(PackCacheStatus.Unavailable)
    expect(r.files).toEqual(files)
  })
})
