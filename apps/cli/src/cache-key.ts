/**
 * The key that signs what the CLI caches under `<data dir>/cache` (the parsed packs, the hook's
 * compiled code): 32 random bytes in `<dir>/pack-cache.key` (0600), made on first use. A cache
 * file whose HMAC under this key does not match is corrupt or foreign and is rebuilt, never used.
 */
import type * as Crypto from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

// Through `require`: the hook's start-up imports this module, and an ES import of `node:crypto`
// evaluates every lazy export (WebCrypto included).
const { randomBytes } = createRequire(import.meta.url)('node:crypto') as typeof Crypto

export const CACHE_KEY_FILE = 'pack-cache.key'

/** The key in `dir`, or undefined when there is none yet. */
export function readCacheKey(dir: string): Buffer | undefined {
  try {
    const key = readFileSync(join(dir, CACHE_KEY_FILE))
    return key.length >= 32 ? key : undefined
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** The key in `dir`, made (atomically, 0600) when missing or too short. Throws when it cannot be read or made. */
export function ensureCacheKey(dir: string): Buffer {
  const existing = readCacheKey(dir)
  if (existing !== undefined) return existing
  const path = join(dir, CACHE_KEY_FILE)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const key = randomBytes(32)
  const tmp = `${path}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, key)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  return key
}
