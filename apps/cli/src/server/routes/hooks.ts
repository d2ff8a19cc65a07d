import { type Context, Hono } from 'hono'
import { CheckRequestSchema } from '@permit0/contracts'
import { UnknownPolicy } from '../../hook/config.ts'
import {
  type HookOutcome,
  applyUnknownPolicy,
  isUnknownAction,
  outcomeFromCheckResponse,
  parkedOutcome,
  toEnvelope,
} from '../../hook/envelope.ts'
import { hookMetadata, parseHookInput } from '../../hook/input.ts'
import { ROLES, requireRole } from '../auth.ts'
import { readBodyText, requestSignal } from '../body.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { assertJsonShape } from '../validate.ts'

/** Where `hookRoutes` answers (mounted under `/api/v1`). */
export const CLAUDE_CODE_HOOK_PATH = '/api/v1/hooks/claude-code'

const UNKNOWN_POLICIES: ReadonlySet<string> = new Set(Object.values(UnknownPolicy))

/**
 * `POST /api/v1/hooks/claude-code`: Claude Code's `http` hook. The body is the hook JSON the
 * command hook reads on stdin; the answer is the JSON it prints, built by the same code
 * (`hook/input.ts`, `hook/envelope.ts`) from the same decision `/check` makes, parked calls
 * included (the request is held until a person decides or the approval deadline passes).
 *
 * Claude Code reads a non-2xx answer as "no decision" and runs the tool, so every failure here —
 * a malformed body, a missing or bad token, an error while deciding — is a 200 `deny` with the
 * reason. `?unknown=ask|allow|deny|bypass` is the command hook's `--unknown` (default `bypass`).
 * Events other than `PreToolUse` get `{}` (no opinion).
 */
export function hookRoutes(deps: Pick<AppDeps, 'decisions' | 'auth'>) {
  const guard = requireRole(deps, ROLES.check)
  return new Hono<AppEnv>().post('/hooks/claude-code', async (c) => {
    const deny = (reason: string) => c.json(toEnvelope({ decision: 'deny', reason }), 200)
    try {
      await guard(c, async () => undefined)
    } catch (err) {
      return deny(`permit0: ${errorMessage(err)}`)
    }
    const unknown = c.req.query('unknown') ?? UnknownPolicy.Bypass
    if (!UNKNOWN_POLICIES.has(unknown)) return deny(`permit0: unknown=${unknown} is not one of ask, allow, deny, bypass`)
    let text: string
    try {
      text = await readBodyText(c)
    } catch (err) {
      return deny(`permit0 hook: request body unreadable: ${errorMessage(err)}`)
    }
    const input = parseHookInput(text)
    if (!input.ok) return deny(`permit0 hook: ${input.message.replace('on stdin', 'in the request body')}`)
    if (input.value.hook_event_name !== undefined && input.value.hook_event_name !== 'PreToolUse') return c.json({}, 200)
    let outcome: HookOutcome
    let isUnknown = false
    try {
      assertJsonShape(input.value.tool_input)
      const request = CheckRequestSchema.parse({
        tool_name: input.value.tool_name,
        parameters: input.value.tool_input,
        metadata: hookMetadata(input.value),
        client_kind: 'claude-code',
      })
      const result = await deps.decisions.check(request, { signal: requestSignal(c) })
      const dashboardUrl = new URL(c.req.url).origin
      if (result.status === 202) outcome = parkedOutcome(result.body.approval_id, dashboardUrl)
      else {
        outcome = outcomeFromCheckResponse(result.body, { dashboardUrl })
        isUnknown = isUnknownAction(result.body.action_type)
      }
    } catch (err) {
      return deny(`permit0: the call could not be decided (${errorMessage(err)}); denied to stay safe`)
    }
    return c.json(toEnvelope(applyUnknownPolicy(outcome, isUnknown, unknown as UnknownPolicy)), 200)
  })
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/** The answer for a hook request refused before its handler ran (guards, body limit): a 200 deny. */
export function hookFailureAnswer(c: Context<AppEnv>, err: unknown): Response {
  return c.json(toEnvelope({ decision: 'deny', reason: `permit0: ${errorMessage(err)}` }), 200)
}
