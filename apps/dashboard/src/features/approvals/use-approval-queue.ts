import type { ApprovalSummary, Permission, RememberScope } from '@permit0/contracts'
import { useCallback, useEffect, useReducer, useRef } from 'react'
import { ApiError, ApiErrorCode, type ApiClient } from '../../api/client.ts'
import {
  approvalQueueReducer,
  INITIAL_QUEUE_STATE,
  type ApprovalQueueAction,
  type ApprovalQueueState,
} from './approval-queue-state.ts'

export interface ApprovalQueueOptions {
  /** Poll period while the event stream is down. */
  pollMs?: number
  /** How long to poll before trying the event stream again. */
  streamRetryMs?: number
}

export interface ApprovalQueue extends ApprovalQueueState {
  decide(approval: ApprovalSummary, permission: Permission, reason: string, reviewer: string, scope?: RememberScope): Promise<void>
  dismiss(approvalId: string): void
  refresh(): Promise<void>
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
  })
}

/**
 * The live approvals queue: a snapshot from `GET /approvals`, then server-sent events; when the
 * stream is unavailable it polls and retries the stream later. Cards that leave the queue stay as
 * notes saying how they ended.
 */
export function useApprovalQueue(api: ApiClient, options: ApprovalQueueOptions = {}): ApprovalQueue {
  const pollMs = options.pollMs ?? 2_000
  const streamRetryMs = options.streamRetryMs ?? 15_000
  const [state, dispatch] = useReducer(approvalQueueReducer, INITIAL_QUEUE_STATE)
  const pendingRef = useRef(state.pending)
  pendingRef.current = state.pending

  const refresh = useCallback(async () => {
    const approvals = await api.listApprovals()
    const ids = new Set(approvals.filter((a) => a.status === 'pending').map((a) => a.approval_id))
    const missing = pendingRef.current.filter((a) => !ids.has(a.approval_id))
    dispatch({ type: 'snapshot', approvals })
    await Promise.all(missing.map((a) => explainDeparture(api, a.approval_id).then(dispatch)))
  }, [api])

  useEffect(() => {
    const controller = new AbortController()
    const { signal } = controller
    const safeRefresh = () =>
      refresh().catch((error: unknown) => {
        if (!signal.aborted) dispatch({ type: 'error', error })
      })
    void (async () => {
      while (!signal.aborted) {
        dispatch({ type: 'status', status: 'connecting' })
        try {
          await api.streamApprovals((event) => dispatch(event), {
            signal,
            onOpen: () => {
              dispatch({ type: 'status', status: 'live' })
              void safeRefresh()
            },
          })
        } catch (error) {
          if (signal.aborted) return
          if (error instanceof ApiError && error.code === ApiErrorCode.Unauthorized) {
            dispatch({ type: 'error', error })
            return
          }
        }
        // The stream ended or is unavailable: poll for a while, then try the stream again.
        dispatch({ type: 'status', status: 'polling' })
        const until = Date.now() + streamRetryMs
        do {
          await safeRefresh()
          await wait(pollMs, signal)
        } while (!signal.aborted && Date.now() < until)
      }
    })()
    return () => controller.abort()
  }, [api, refresh, pollMs, streamRetryMs])

  const decide = useCallback(
    async (approval: ApprovalSummary, permission: Permission, reason: string, reviewer: string, scope?: RememberScope) => {
      try {
        const result = await api.decide({
          approval_id: approval.approval_id,
          permission,
          reviewer,
          ...(reason.trim() && { reason: reason.trim() }),
          ...(scope !== undefined && { scope }),
        })
        dispatch({ type: 'approval.resolved', approval_id: result.approval_id, resolution: result.resolution })
      } catch (error) {
        if (error instanceof ApiError && error.code === ApiErrorCode.Conflict && error.details.resolution) {
          dispatch({ type: 'approval.resolved', approval_id: approval.approval_id, resolution: error.details.resolution })
          return
        }
        if (error instanceof ApiError && error.code === ApiErrorCode.NotFound) {
          dispatch({ type: 'left', approval_id: approval.approval_id, note: 'No longer exists on the server', atMs: Date.now() })
          return
        }
        throw error
      }
    },
    [api],
  )

  const dismiss = useCallback((approvalId: string) => dispatch({ type: 'dismiss', approval_id: approvalId }), [])
  return { ...state, decide, dismiss, refresh }
}

async function explainDeparture(api: ApiClient, id: string): Promise<ApprovalQueueAction> {
  try {
    const approval = await api.getApproval(id)
    if (approval.resolution) return { type: 'approval.resolved', approval_id: id, resolution: approval.resolution }
  } catch {
    // fall through: we only know it left
  }
  return { type: 'left', approval_id: id, note: 'Left the queue', atMs: Date.now() }
}
