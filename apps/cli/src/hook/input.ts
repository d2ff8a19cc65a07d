import { z } from 'zod'
import type { JsonObject, JsonValue } from '@permit0/engine'
import type { Resolved } from './config.ts'

/** Largest stdin the hook accepts (a tool input bigger than this is not a sane call). */
export const MAX_HOOK_INPUT_BYTES = 5 * 1024 * 1024

/** Claude Code's PreToolUse stdin. Only `tool_name` and `tool_input` are required. */
export const HookInputSchema = z.looseObject({
  tool_name: z.string().min(1),
  tool_input: z.json(),
  session_id: z.string().optional(),
  cwd: z.string().optional(),
  hook_event_name: z.string().optional(),
  permission_mode: z.string().optional(),
  tool_use_id: z.string().optional(),
  agent_id: z.string().optional(),
  agent_type: z.string().optional(),
  transcript_path: z.string().optional(),
})
export type HookInput = z.output<typeof HookInputSchema>

export function parseHookInput(text: string): Resolved<HookInput> {
  if (Buffer.byteLength(text) > MAX_HOOK_INPUT_BYTES) {
    return { ok: false, message: `hook input on stdin exceeds ${MAX_HOOK_INPUT_BYTES} bytes` }
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return { ok: false, message: `hook input on stdin is not valid JSON: ${(err as Error).message}` }
  }
  const parsed = HookInputSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => {
        const key = i.path[0]
        const missing = i.path.length === 1 && typeof raw === 'object' && raw !== null && !(String(key) in raw)
        return `${i.path.join('.') || '(root)'}: ${missing ? 'required' : i.message}`
      })
      .join('; ')
    return { ok: false, message: `hook input on stdin is invalid: ${issues}` }
  }
  return { ok: true, value: parsed.data }
}

/** Host context forwarded to the engine / daemon as the call's `metadata`. */
export function hookMetadata(input: HookInput): JsonObject {
  const metadata: Record<string, JsonValue> = {}
  for (const key of ['session_id', 'cwd', 'permission_mode', 'tool_use_id', 'agent_id', 'agent_type'] as const) {
    const value = input[key]
    if (typeof value === 'string' && value !== '') metadata[key] = value
  }
  // Claude Code names MCP tools `mcp__<server>__<tool>`; anything else is one of its built-ins. The
  // claude-code pack asks about built-ins it does not know (instead of "no opinion").
  metadata.tool_origin = input.tool_name.startsWith('mcp__') ? 'mcp' : 'builtin'
  metadata.tool_name = input.tool_name
  return metadata
}

/**
 * Whether a call may carry SQL (a SQL client in a command, a SQL tool or parameter, a statement
 * keyword). The local hook loads the PostgreSQL parser only then; SQL met without it fails closed
 * (a person decides), so a miss here costs a prompt, never an allow.
 */
const SQL_HINT =
  /\b(psql|pg_\w+|\w*sql\w*|mysql|mariadb|sqlite3?|duckdb|clickhouse|cockroach|supabase|neon|postgres\w*|database|query|select|insert|update|delete|drop|truncate|alter|grant|revoke|copy|vacuum)\b/i

export function mayCarrySql(toolName: string, parameters: JsonValue): boolean {
  return SQL_HINT.test(toolName) || SQL_HINT.test(JSON.stringify(parameters))
}
