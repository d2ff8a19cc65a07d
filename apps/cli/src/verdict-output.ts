/** Rendering verdicts and parsing tool-call input for check and gateway (JSON and terminal). */
import { explainAction, verdictReason, type JsonObject, type JsonValue, type RawToolCall, type Verdict } from '@permit0/engine'
import { verdictToWire } from '@permit0/contracts'
import { z } from 'zod'

const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
)

/** `{tool_name|tool, parameters|input, metadata?}` — upstream's field names and their aliases. */
export const ToolCallInputSchema = z
  .object({
    tool_name: z.string().min(1).optional(),
    tool: z.string().min(1).optional(),
    parameters: JsonValueSchema.optional(),
    input: JsonValueSchema.optional(),
    metadata: z.record(z.string(), JsonValueSchema).optional(),
  })
  .refine((v) => v.tool_name !== undefined || v.tool !== undefined, {
    message: 'tool_name (or tool) is required',
    path: ['tool_name'],
  })

export type ParseToolCallResult = { ok: true; call: RawToolCall } | { ok: false; message: string }

/** Parses one JSON document into a RawToolCall, with a message naming what is wrong. */
export function parseToolCall(text: string): ParseToolCallResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { ok: false, message: `malformed JSON: ${err instanceof Error ? err.message : String(err)}` }
  }
  const parsed = ToolCallInputSchema.safeParse(value)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    const where = first && first.path.length > 0 ? first.path.join('.') : '<root>'
    return { ok: false, message: `invalid tool call at ${where}: ${first?.message ?? 'invalid input'}` }
  }
  const v = parsed.data
  return {
    ok: true,
    call: {
      toolName: (v.tool_name ?? v.tool) as string,
      parameters: v.parameters ?? v.input ?? {},
      metadata: (v.metadata ?? {}) as JsonObject,
    },
  }
}

/** The `--json` / gateway shape: permission, source, action_type, channel, norm_hash, risk fields. */
export function verdictJson(verdict: Verdict, options: { trace?: boolean } = {}): JsonObject {
  const out: JsonObject = { ...verdictToWire(verdict), explanation: verdict.explanation ?? explainAction(verdict.action) }
  const why = verdictReason(verdict)
  if (why !== '') out['why'] = why
  if (options.trace) {
    out['trace'] = verdict.trace.map((s) => ({
      stage: s.stage,
      outcome: s.outcome,
      ...(s.detail === undefined ? {} : { detail: s.detail }),
    }))
  }
  return out
}

/** One-line terminal summary, e.g. `HUMAN  email.send via gmail  score 43 MEDIUM  [Scorer]`. */
export function verdictLine(verdict: Verdict): string {
  const risk = verdict.risk
  const parts = [
    verdict.permission.toUpperCase().padEnd(5),
    `${verdict.action.actionType} via ${verdict.action.channel}`,
    risk ? `score ${risk.score} ${risk.tier}` : 'no score',
    `[${verdict.source}]`,
  ]
  if (risk?.blockReason) parts.push(`blocked: ${risk.blockReason}`)
  if (risk && risk.flags.length > 0) parts.push(`flags ${risk.flags.join(',')}`)
  return parts.join('  ')
}

/** The explanation line under `verdictLine`: what the call does and why (`  Runs `ls`. risk 0/100 MINIMAL`). */
export function explanationLine(verdict: Verdict): string {
  const explanation = verdict.explanation ?? explainAction(verdict.action)
  const why = verdictReason(verdict)
  return `  ${explanation}${why === '' ? '' : ` — ${why}`}`
}
