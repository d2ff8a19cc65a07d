/**
 * The parsed YAML of the packs shipped with the CLI, written by the build (`tsup.config.ts`) into
 * `dist/assets/pack-seed.json`: parsing the default packs' YAML is the largest piece of a cold
 * start (≈ 0.35 s of `serve` on a new home, docs/benchmarks.md), reading it back as JSON ≈ 10 ms.
 *
 * Entries are keyed by the SHA-256 of a file's text, exactly as the pack cache keys them, so a
 * file is given a seeded value only when its text is byte for byte the text the build parsed: a
 * changed, added or user pack file misses and is parsed as before. The seed sits beside
 * `dist/bin.js` and is trusted as the code is (who can rewrite it can rewrite the CLI); it is
 * never written at run time. A missing, unreadable or malformed seed is ignored (the packs are
 * parsed from their text), never an error.
 */
import { hash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseYaml, type PackFile } from '@permit0/engine'
import { cliPackageRoot } from '../package-root.ts'

export const PACK_SEED_FORMAT = 'permit0-pack-seed/1'
/** Under the CLI package's `dist/assets/`. */
export const PACK_SEED_FILE = 'pack-seed.json'

/** sha256(text) → parsed value. */
export type PackSeed = ReadonlyMap<string, unknown>

export const packTextHash = (text: string): string => hash('sha256', text, 'hex')

/** Plain JSON (what survives `JSON.stringify`/`parse` unchanged): no -0, NaN, dates, prototypes. */
export function isPlainJson(v: unknown, depth = 0): boolean {
  if (depth > 200) return false
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0)
  if (Array.isArray(v)) return v.every((x) => isPlainJson(x, depth + 1))
  if (typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v) as unknown
  if (proto !== Object.prototype && proto !== null) return false
  return Object.entries(v).every(([k, x]) => k !== '__proto__' && isPlainJson(x, depth + 1))
}

/** The value to cache for a file's text: its parse when clean and plain JSON, else undefined (parse it every time). */
export function cacheableParse(text: string): unknown {
  const parsed = parseYaml(text)
  if (parsed.issues.length > 0 || parsed.value === undefined || !isPlainJson(parsed.value)) return undefined
  return parsed.value
}

/** The seed file's text for these pack files (the build writes it). */
export function makePackSeed(files: readonly PackFile[]): string {
  const entries: Record<string, unknown> = {}
  for (const file of files) {
    const value = cacheableParse(file.text)
    if (value !== undefined) entries[packTextHash(file.text)] = value
  }
  return JSON.stringify({ format: PACK_SEED_FORMAT, entries })
}

/** Where the build writes the seed of this CLI package, or undefined outside one. */
export function packSeedPath(): string | undefined {
  try {
    return join(cliPackageRoot(), 'dist', 'assets', PACK_SEED_FILE)
  } catch {
    return undefined
  }
}

/**
 * Reads a seed file; an absent or malformed file is an empty seed. Parsed on every call, so each
 * engine gets values of its own (nothing shared between engines of one process).
 */
export function readPackSeed(path: string | undefined = packSeedPath()): PackSeed {
  if (path === undefined) return new Map()
  try {
    const body = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; entries?: unknown }
    const { entries } = body
    if (body.format === PACK_SEED_FORMAT && entries !== null && typeof entries === 'object' && !Array.isArray(entries)) {
      return new Map(Object.entries(entries))
    }
  } catch {
    // absent or unreadable: the packs are parsed from their text
  }
  return new Map()
}

/** The files with `value` set where the seed has their text's parse (the others unchanged). */
export function applyPackSeed(files: readonly PackFile[], seed: PackSeed): PackFile[] {
  if (seed.size === 0) return [...files]
  return files.map((file) => {
    if (file.value !== undefined) return file
    const h = packTextHash(file.text)
    return seed.has(h) ? { ...file, value: seed.get(h) } : file
  })
}
