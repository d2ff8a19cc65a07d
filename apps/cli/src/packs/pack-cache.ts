/**
 * The on-disk cache of parsed pack YAML. Parsing the packs' YAML is nearly all of what a local
 * `permit0 hook` costs (profiled: ~2 s of a 3.5 s call on the default packs, against ~10 ms for
 * reading the parsed values back as JSON), so the hook keeps each file's parsed value keyed by the
 * SHA-256 of the file's text. Compiled matchers and closures are not serialisable; plain values
 * are, and the engine compiles them again (cheap next to parsing).
 *
 * Trust: the cache file carries an HMAC-SHA256 (key in `<dir>/pack-cache.key`, 0600, made on
 * first use) over its body, and names the CLI version that wrote it. A file that is unreadable,
 * corrupt, from another version or not signed by this key (foreign) is ignored and rebuilt; an
 * entry is used only for a file whose text hashes to its key, so any change re-parses that file.
 * Values are cached only when they are plain JSON (round-trip exact) and the YAML had no issue,
 * so a file with warnings or errors is always parsed again and reported with its line numbers.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PackFile } from '@permit0/engine'
import { CACHE_KEY_FILE, ensureCacheKey } from '../cache-key.ts'
import { cacheableParse, packTextHash, type PackSeed } from './pack-seed.ts'

export const PACK_CACHE_FORMAT = 'permit0-pack-cache/1'
export const PACK_CACHE_FILE = 'pack-cache.json'
export const PACK_CACHE_KEY_FILE = CACHE_KEY_FILE

export interface PackCacheOptions {
  /** Directory of the cache and its key (the hook uses `<data dir>/cache`). */
  readonly dir: string
  /** The CLI version; a cache written by another version is rebuilt. */
  readonly version: string
  /** The shipped packs' parsed YAML (`pack-seed.ts`): files it covers are neither parsed nor cached. */
  readonly seed?: PackSeed
}

export const PackCacheStatus = { Hit: 'hit', Updated: 'updated', Rebuilt: 'rebuilt', Unavailable: 'unavailable' } as const
export type PackCacheStatus = (typeof PackCacheStatus)[keyof typeof PackCacheStatus]

export interface PackCacheResult {
  /** The same files, with `value` set where the cache (or this call's parse) had it. */
  readonly files: PackFile[]
  readonly status: PackCacheStatus
  /** Why an existing cache was not used, or why the cache could not be written. */
  readonly note?: string
}

interface CacheBody {
  readonly format: string
  readonly version: string
  readonly entries: Record<string, unknown>
}

const mac = (key: Buffer, body: string): string => createHmac('sha256', key).update(body).digest('hex')

/** The cached entries, or why the file on disk cannot be used. */
function readCache(path: string, key: Buffer, version: string): { entries: Record<string, unknown> } | { reason: string } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    return { reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'none yet' : `unreadable (${(err as Error).message})` }
  }
  const nl = text.indexOf('\n')
  const [format, signature] = (nl < 0 ? text : text.slice(0, nl)).split(' ')
  if (format !== PACK_CACHE_FORMAT || signature === undefined) return { reason: 'not a pack cache (corrupt header)' }
  const body = text.slice(nl + 1)
  const expected = Buffer.from(mac(key, body), 'hex')
  const given = Buffer.from(signature, 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { reason: 'signature does not match (corrupt or foreign)' }
  let parsed: CacheBody
  try {
    parsed = JSON.parse(body) as CacheBody
  } catch {
    return { reason: 'corrupt body' }
  }
  if (parsed.format !== PACK_CACHE_FORMAT) return { reason: 'corrupt body' }
  if (parsed.version !== version) return { reason: `written by permit0 ${String(parsed.version)}` }
  if (parsed.entries === null || typeof parsed.entries !== 'object' || Array.isArray(parsed.entries)) return { reason: 'corrupt body' }
  return { entries: parsed.entries }
}

/**
 * Gives each pack file its parsed YAML value from the cache, parsing (and caching) the files whose
 * text it has not seen. Never throws: when the cache cannot be read or written the files come back
 * as they are to be parsed from text, and `note` says why.
 */
export function applyPackCache(files: readonly PackFile[], options: PackCacheOptions): PackCacheResult {
  let key: Buffer
  try {
    key = ensureCacheKey(options.dir)
  } catch (err) {
    return { files: [...files], status: PackCacheStatus.Unavailable, note: `pack cache key: ${(err as Error).message}` }
  }
  const path = join(options.dir, PACK_CACHE_FILE)
  const cached = readCache(path, key, options.version)
  const entries = 'entries' in cached ? cached.entries : {}
  const used: Record<string, unknown> = {}
  let parsedNow = 0
  const out = files.map((file): PackFile => {
    const h = packTextHash(file.text)
    if (options.seed?.has(h) === true) return { ...file, value: options.seed.get(h) }
    if (Object.hasOwn(entries, h)) {
      used[h] = entries[h]
      return { ...file, value: entries[h] }
    }
    const value = cacheableParse(file.text)
    if (value === undefined) return file
    parsedNow += 1
    used[h] = value
    return { ...file, value }
  })
  const stale = Object.keys(entries).length !== Object.keys(used).length
  if (parsedNow === 0 && !stale && 'entries' in cached) return { files: out, status: PackCacheStatus.Hit }
  const body = JSON.stringify({ format: PACK_CACHE_FORMAT, version: options.version, entries: used } satisfies CacheBody)
  const status = 'entries' in cached ? PackCacheStatus.Updated : PackCacheStatus.Rebuilt
  const reason = 'reason' in cached && cached.reason !== 'none yet' ? `pack cache rebuilt: ${cached.reason}` : undefined
  try {
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, `${PACK_CACHE_FORMAT} ${mac(key, body)}\n${body}`, { mode: 0o600 })
    renameSync(tmp, path)
  } catch (err) {
    return { files: out, status: PackCacheStatus.Unavailable, note: `pack cache not written: ${(err as Error).message}` }
  }
  return { files: out, status, ...(reason ? { note: reason } : {}) }
}
