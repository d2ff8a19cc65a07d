import type { CheckInput, Decision, Permit0Client } from './client.ts'
import { ClientError, ClientErrorCode } from './errors.ts'

export interface GuardOptions<A extends unknown[]> {
  /** Tool name the daemon normalizes (e.g. `gmail_send`). */
  readonly toolName: string
  /** Maps the call's arguments to the tool parameters; default: the single argument, else the array. */
  readonly parameters?: (...args: A) => unknown
  readonly metadata?: CheckInput['metadata']
  readonly sessionId?: string
  readonly taskGoal?: string
}

/** Why a guarded call did not run: the verdict that stopped it, in words. */
export function blockReason(toolName: string, decision: Decision): string {
  if (decision.blockReason) return decision.blockReason
  if (decision.reason) return decision.reason
  return decision.permission === 'human'
    ? `human approval required for ${toolName}`
    : `permit0 denied the call to ${toolName}`
}

function deniedError(toolName: string, decision: Decision): ClientError {
  return new ClientError(ClientErrorCode.Denied, blockReason(toolName, decision), { toolName, decision })
}

/**
 * Wraps `fn` so that every call is checked first: `allow` (including a failed-open allow) runs it,
 * anything else throws `ClientError` `CLIENT_DENIED` with the decision in `details.decision`.
 */
export function guard<A extends unknown[], R>(
  client: Permit0Client,
  fn: (...args: A) => R | Promise<R>,
  options: GuardOptions<A>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const parameters = options.parameters ? options.parameters(...args) : args.length === 1 ? args[0] : args
    const decision = await client.check({
      toolName: options.toolName,
      parameters,
      ...(options.metadata ? { metadata: options.metadata } : {}),
      ...(options.sessionId ? { sessionId: options.sessionId } : {}),
      ...(options.taskGoal ? { taskGoal: options.taskGoal } : {}),
    })
    if (decision.permission !== 'allow') throw deniedError(options.toolName, decision)
    return fn(...args)
  }
}

/** What `middleware(…, { onBlock: 'return' })` resolves to when a call is not allowed. */
export interface Blocked {
  readonly blocked: true
  readonly reason: string
  readonly decision: Decision
}

export function isBlocked(value: unknown): value is Blocked {
  return typeof value === 'object' && value !== null && (value as { blocked?: unknown }).blocked === true
}

export type ToolDispatch<R> = (toolName: string, parameters: unknown, context?: MiddlewareContext) => Promise<R>

export interface MiddlewareContext {
  readonly sessionId?: string
  readonly taskGoal?: string
  readonly metadata?: CheckInput['metadata']
}

/**
 * Wraps a tool dispatcher (`(toolName, parameters) => result`) so every dispatch is checked first.
 * Not allowed → throws `CLIENT_DENIED` (default) or, with `onBlock: 'return'`, resolves to `Blocked`.
 */
export function middleware<R>(client: Permit0Client, next: ToolDispatch<R>, options: { onBlock: 'return' }): ToolDispatch<R | Blocked>
export function middleware<R>(client: Permit0Client, next: ToolDispatch<R>, options?: { onBlock?: 'throw' }): ToolDispatch<R>
export function middleware<R>(
  client: Permit0Client,
  next: ToolDispatch<R>,
  options: { onBlock?: 'throw' | 'return' } = {},
): ToolDispatch<R | Blocked> {
  return async (toolName, parameters, context = {}) => {
    const decision = await client.check({
      toolName,
      parameters,
      ...(context.metadata ? { metadata: context.metadata } : {}),
      ...(context.sessionId ? { sessionId: context.sessionId } : {}),
      ...(context.taskGoal ? { taskGoal: context.taskGoal } : {}),
    })
    if (decision.permission === 'allow') return next(toolName, parameters, context)
    if (options.onBlock === 'return') return { blocked: true, reason: blockReason(toolName, decision), decision }
    throw deniedError(toolName, decision)
  }
}
