import type { Context } from 'hono'
import { z } from 'zod'
import { readBodyText } from './body.ts'
import type { AppEnv } from './env.ts'
import { ServerError, ServerErrorCode, type ErrorIssue } from './errors.ts'

export function toIssues(error: z.ZodError, prefix = ''): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.') || '(root)',
    message: issue.message,
  }))
}

function fail(where: string, error: z.ZodError, prefix = ''): never {
  const issues = toIssues(error, prefix)
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  throw new ServerError(ServerErrorCode.Validation, `invalid ${where}: ${summary}`, { issues })
}

/** Deepest nesting of arrays/objects accepted in a request body (normalizers and hashing recurse). */
export const MAX_JSON_DEPTH = 64
/** Most values (objects, arrays, scalars) accepted in one request body. */
export const MAX_JSON_NODES = 100_000

/** The stores (PostgreSQL text/jsonb) cannot hold U+0000, so it is refused at the edge. */
function nulAt(path: string): never {
  const where = (path || '(root)').replaceAll('\u0000', '\\u0000').slice(0, 200)
  throw new ServerError(ServerErrorCode.Validation, `request body contains a NUL character (U+0000) at ${where}`, {
    issues: [{ path: where, message: 'NUL characters (U+0000) are not accepted' }],
  })
}

/**
 * Rejects JSON nested deeper than `MAX_JSON_DEPTH`, with more than `MAX_JSON_NODES` values or
 * with a NUL character in a string or key, before any recursive code (schemas, normalizers, canonical hashing) sees it. Iterative, so a
 * hostile body cannot overflow the stack here either.
 *
 * Returns whether the value (parsed JSON) is also plain: every number finite (`JSON.parse` turns
 * `1e999` into `Infinity`) and no key `__proto__`. Such a value is what `z.json()` accepts and
 * returns unchanged, so a schema may then take its free-form parts as they are (`parseJson`).
 */
export function assertJsonShape(value: unknown, limits = { depth: MAX_JSON_DEPTH, nodes: MAX_JSON_NODES }): boolean {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }]
  let nodes = 0
  let plain = true
  while (stack.length > 0) {
    const { value: v, depth, path } = stack.pop() as { value: unknown; depth: number; path: string }
    nodes += 1
    if (typeof v === 'number' && !Number.isFinite(v)) plain = false
    if (nodes > limits.nodes) {
      throw new ServerError(ServerErrorCode.Validation, `request body has more than ${limits.nodes} JSON values`, {
        issues: [{ path: '(body)', message: `more than ${limits.nodes} values` }],
      })
    }
    if (typeof v === 'string' && v.includes('\u0000')) nulAt(path)
    if (v === null || typeof v !== 'object') continue
    if (depth >= limits.depth) {
      throw new ServerError(ServerErrorCode.Validation, `request body nests deeper than ${limits.depth} levels at ${(path || '(root)').slice(0, 200)}`, {
        issues: [{ path: (path || '(root)').slice(0, 200), message: `nested deeper than ${limits.depth} levels` }],
      })
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v)
    for (const [key, child] of entries) {
      const childPath = path === '' ? key : `${path}.${key}`
      if (key.includes('\u0000')) nulAt(childPath)
      if (key === '__proto__') plain = false
      stack.push({ value: child, depth: depth + 1, path: childPath })
    }
  }
  return plain
}

/**
 * Parses the JSON body with `schema`; malformed, too deep or a schema violation → 400 envelope.
 * `plainSchema`: the same schema with its free-form JSON parts taking any value as it is (built
 * with `PLAIN_JSON`), used when the shape walk found the body plain JSON, where `z.json()` would
 * only walk the same tree again and return it unchanged. Otherwise `schema` decides (and names the
 * field in its error).
 */
export async function parseJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S, plainSchema?: z.ZodType<z.output<S>>): Promise<z.output<S>> {
  let raw: unknown
  try {
    raw = JSON.parse(await readBodyText(c))
  } catch (err) {
    throw new ServerError(ServerErrorCode.Validation, `request body is not valid JSON: ${(err as Error).message}`, {
      issues: [{ path: '(body)', message: 'malformed JSON' }],
    })
  }
  const plain = assertJsonShape(raw)
  const parsed = (plain && plainSchema !== undefined ? plainSchema : schema).safeParse(raw)
  if (!parsed.success) fail('request body', parsed.error)
  return parsed.data
}

/**
 * Stands in for `z.json()` in a schema for a body `assertJsonShape` found plain: any value passes
 * as it is (that walk already saw every value of the tree).
 */
export const PLAIN_JSON = z.custom<z.core.util.JSONType>()

/** Parses the query string with `schema` (values are strings; use `z.coerce` in the schema). */
export function parseQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  const query = c.req.query()
  for (const [key, value] of Object.entries(query)) {
    if (key.includes('\u0000') || value.includes('\u0000')) {
      throw new ServerError(ServerErrorCode.Validation, `invalid query: ${key.replaceAll('\u0000', '\\u0000').slice(0, 100)}: NUL characters (U+0000) are not accepted`, {
        issues: [{ path: key.slice(0, 100), message: 'NUL characters (U+0000) are not accepted' }],
      })
    }
  }
  const parsed = schema.safeParse(query)
  if (!parsed.success) fail('query', parsed.error)
  return parsed.data
}
