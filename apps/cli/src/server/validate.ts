import type { Context } from 'hono'
import type { z } from 'zod'
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

/** Parses the JSON body with `schema`; malformed JSON or a schema violation → 400 envelope. */
export async function parseJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  let raw: unknown
  try {
    raw = JSON.parse(await c.req.text())
  } catch (err) {
    throw new ServerError(ServerErrorCode.Validation, `request body is not valid JSON: ${(err as Error).message}`, {
      issues: [{ path: '(body)', message: 'malformed JSON' }],
    })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) fail('request body', parsed.error)
  return parsed.data
}

/** Parses the query string with `schema` (values are strings; use `z.coerce` in the schema). */
export function parseQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query())
  if (!parsed.success) fail('query', parsed.error)
  return parsed.data
}
