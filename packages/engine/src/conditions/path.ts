/**
 * Field paths: `a.b.0.c`, with one optional leading `arg.` (explicitly "the tool parameters").
 * Paths are split once at load; resolution walks objects by key and arrays by decimal index.
 */
import type { JsonObject, JsonValue } from '../types.ts'

/** One compiled path segment: the key, and its array index (or -1 if not an index). */
export interface PathSegment {
  readonly key: string
  readonly index: number
}

export const PathRoot = { Data: 'data', Metadata: 'metadata' } as const
export type PathRoot = (typeof PathRoot)[keyof typeof PathRoot]

export interface CompiledPath {
  readonly source: string
  readonly root: PathRoot
  readonly segments: readonly PathSegment[]
}

const INDEX = /^\+?\d+$/

export interface ParsePathOptions {
  /** When true, a path starting with `metadata.` reads the call metadata (not `arg.metadata.`). */
  readonly metadataPaths?: boolean
}

export function parsePath(source: string, options: ParsePathOptions = {}): CompiledPath {
  let rest = source
  let explicitArg = false
  if (rest.startsWith('arg.')) {
    rest = rest.slice(4)
    explicitArg = true
  }
  const parts = rest.split('.')
  let root: PathRoot = PathRoot.Data
  if (options.metadataPaths && !explicitArg && parts[0] === 'metadata') {
    root = PathRoot.Metadata
    parts.shift()
  }
  return {
    source,
    root,
    segments: parts.map((key) => ({ key, index: INDEX.test(key) ? Number.parseInt(key, 10) : -1 })),
  }
}

/** Walks `segments` from `value`; `undefined` when any step is missing. */
export function walkPath(
  value: JsonValue | undefined,
  segments: readonly PathSegment[],
  from = 0,
): JsonValue | undefined {
  let cur = value
  for (let i = from; i < segments.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined
    const seg = segments[i] as PathSegment
    if (Array.isArray(cur)) {
      if (seg.index < 0 || seg.index >= cur.length) return undefined
      cur = cur[seg.index]
    } else {
      if (!Object.hasOwn(cur, seg.key)) return undefined
      cur = (cur as JsonObject)[seg.key]
    }
  }
  return cur
}
