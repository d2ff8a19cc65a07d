/**
 * The policy gate of `permit0 mcp`: turns one MCP `tools/call` into a permit0 check and the answer
 * into what the proxy does (forward, refuse with a reason, or refuse fail-closed while a human has
 * not decided). The decision itself is made by a backend: the in-process decision service over
 * the local store (`local-backend.ts`) or a daemon (`remote-backend.ts`); both speak the
 * `/api/v1/check` wire types, so the mapping below is written once.
 */
import canonicalize from 'canonicalize'
import type { CheckRequest, CheckResponse } from '@permit0/contracts'
import type { JsonObject } from '@permit0/engine'

/** One `tools/call` as the gate sees it. */
export interface McpToolCall {
  /** `--name`: the MCP server's name (as a client config names it). */
  readonly server: string
  readonly tool: string
  readonly arguments: JsonObject
}

/** What a backend answers for a fresh check. */
export type BackendCheck =
  | { readonly kind: 'verdict'; readonly response: CheckResponse }
  /** Parked for a human; `engine` is what the engine said before parking. */
  | { readonly kind: 'parked'; readonly approvalId: string; readonly engine: CheckResponse }

/** What a backend answers while waiting for an approval. */
export type BackendWait =
  | { readonly kind: 'verdict'; readonly response: CheckResponse }
  | { readonly kind: 'pending' }
  /** Expired, abandoned or unknown: the approval can no longer give an answer. */
  | { readonly kind: 'gone'; readonly why: string }

export interface GateBackend {
  check(request: CheckRequest): Promise<BackendCheck>
  /** Waits at most `timeoutMs` for a decision on `approvalId`. */
  wait(approvalId: string, timeoutMs: number, signal: AbortSignal): Promise<BackendWait>
  /** The caller went away while parked: record the approval as abandoned (best effort). */
  abandon(approvalId: string, reason: string): Promise<void>
  /** How a human decides this approval (a command or a link), for the fail-closed text. */
  decideHint(approvalId: string): string
  close(): Promise<void>
}

/** What the proxy does with the call. */
export type GateOutcome =
  | { readonly kind: 'allow'; readonly response: CheckResponse }
  | { readonly kind: 'deny'; readonly reason: string; readonly approvalId?: string }

export interface GateOptions {
  readonly backend: GateBackend
  /** How long one `tools/call` may wait for a human (below the client's request timeout). */
  readonly budgetMs: number
  /** Extra `metadata` on every check (`cwd`, `session_id`, …). */
  readonly metadata?: JsonObject
  readonly orgDomain?: string
  readonly now?: () => number
}

export interface Gate {
  check(call: McpToolCall, signal: AbortSignal): Promise<GateOutcome>
  /** Abandons every approval a call is still parked on (client gone). */
  close(reason: string): Promise<void>
}

/** Default wait for a human: below the MCP SDK's 60 s request timeout. */
export const DEFAULT_BUDGET_MS = 50_000

/** The check request for one tool call: the bare tool name (as the packs name MCP tools). */
export function toCheckRequest(call: McpToolCall, options: Pick<GateOptions, 'metadata' | 'orgDomain'>): CheckRequest {
  return {
    tool_name: call.tool,
    parameters: call.arguments,
    metadata: { ...options.metadata, mcp_server: call.server },
    ...(options.orgDomain !== undefined && { org_domain: options.orgDomain }),
  }
}

function describe(r: CheckResponse): string {
  const risk = r.tier !== undefined ? `, risk ${r.tier.toLowerCase()}${r.score !== undefined ? ` ${r.score}` : ''}` : ''
  return `${r.action_type}${risk}`
}

/** The text the model reads when a call is refused. */
export function denyReason(call: McpToolCall, r: CheckResponse): string {
  const what = `${call.server}/${call.tool} (${describe(r)})`
  if (r.source === 'HumanReviewer') {
    const who = r.reviewer !== undefined && r.reviewer !== '' ? ` ${r.reviewer}` : ''
    return `permit0: a reviewer${who} denied ${what}${r.reason !== undefined ? `: ${r.reason}` : ''}. Do not retry it.`
  }
  const why =
    r.block_reason ??
    r.reason ??
    (r.source === 'Denylist'
      ? 'this exact action is on the deny list'
      : r.flags !== undefined && r.flags.length > 0
        ? `risk flags ${r.flags.join(', ')}`
        : `decided by ${r.source}`)
  return `permit0 denied ${what}: ${why}`
}

/** The fail-closed text when a human has not decided within the budget. */
export function pendingReason(call: McpToolCall, approvalId: string, engine: CheckResponse | undefined, budgetMs: number, hint: string): string {
  const what = `${call.server}/${call.tool}${engine !== undefined ? ` (${describe(engine)})` : ''}`
  return (
    `permit0: ${what} needs a human approval and was not decided within ${Math.round(budgetMs / 1000)}s, so it did not run. ` +
    `Approval id ${approvalId}; decide it with: ${hint}. Retry the same call after the decision to get the answer.`
  )
}

/** Same tool, same arguments → the same parked approval (retries do not queue a second one). */
const callKey = (call: McpToolCall): string => canonicalize({ s: call.server, t: call.tool, a: call.arguments }) ?? ''

export function createGate(options: GateOptions): Gate {
  const { backend, budgetMs } = options
  const now = options.now ?? Date.now
  /** Call key → approval still pending (to resume on a retry). */
  const pending = new Map<string, { readonly id: string; readonly engine?: CheckResponse }>()
  /** Approvals a live request is waiting on right now. */
  const waiting = new Set<string>()

  const fromResponse = (call: McpToolCall, r: CheckResponse): GateOutcome => {
    if (r.permission === 'allow') return { kind: 'allow', response: r }
    if (r.permission === 'deny') return { kind: 'deny', reason: denyReason(call, r), ...(r.approval_id !== undefined && { approvalId: r.approval_id }) }
    // `human` without a queue to park on (a daemon without --ui, a host-prompt routing): fail closed.
    return {
      kind: 'deny',
      reason: `permit0: ${call.server}/${call.tool} (${describe(r)}) needs a human approval, but no approvals queue is available to park it; it did not run.`,
    }
  }

  /** Waits on a parked approval until the deadline; the outcome, or undefined when it is gone. */
  const await_ = async (
    call: McpToolCall,
    key: string,
    parked: { readonly id: string; readonly engine?: CheckResponse },
    deadline: number,
    signal: AbortSignal,
  ): Promise<GateOutcome | undefined> => {
    waiting.add(parked.id)
    let result: BackendWait
    try {
      result = await backend.wait(parked.id, Math.max(0, deadline - now()), signal)
    } finally {
      waiting.delete(parked.id)
    }
    if (signal.aborted) {
      pending.delete(key)
      await backend.abandon(parked.id, 'the MCP client cancelled the call').catch(() => undefined)
      return { kind: 'deny', reason: 'permit0: the call was cancelled while waiting for a human; it did not run.', approvalId: parked.id }
    }
    if (result.kind === 'gone') {
      pending.delete(key)
      return undefined
    }
    if (result.kind === 'pending') {
      return { kind: 'deny', reason: pendingReason(call, parked.id, parked.engine, budgetMs, backend.decideHint(parked.id)), approvalId: parked.id }
    }
    pending.delete(key)
    return fromResponse(call, result.response)
  }

  return {
    async check(call, signal) {
      const deadline = now() + budgetMs
      const key = callKey(call)
      const known = pending.get(key)
      if (known !== undefined) {
        const resumed = await await_(call, key, known, deadline, signal)
        if (resumed !== undefined) return resumed
      }
      const checked = await backend.check(toCheckRequest(call, options))
      if (checked.kind === 'verdict') return fromResponse(call, checked.response)
      const parked = { id: checked.approvalId, engine: checked.engine }
      pending.set(key, parked)
      const outcome = await await_(call, key, parked, deadline, signal)
      return (
        outcome ?? {
          kind: 'deny',
          reason: `permit0: approval ${parked.id} for ${call.server}/${call.tool} expired or was abandoned; the call did not run.`,
          approvalId: parked.id,
        }
      )
    },
    async close(reason) {
      for (const id of waiting) await backend.abandon(id, reason).catch(() => undefined)
      waiting.clear()
      await backend.close()
    },
  }
}
