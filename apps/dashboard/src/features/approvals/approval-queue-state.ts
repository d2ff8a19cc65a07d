import type { ApprovalEvent, ApprovalResolution, ApprovalSummary } from '@permit0/contracts'
import { formatTimestamp } from '../../components/time.ts'

/** A card that left the queue, kept as a visible note. */
export interface DepartedApproval {
  readonly approval: ApprovalSummary
  readonly note: string
  readonly kind: 'allow' | 'deny' | 'human' | 'gone'
  /** When it left (epoch ms). */
  readonly atMs: number
}

export type ConnectionStatus = 'connecting' | 'live' | 'polling'

export interface ApprovalQueueState {
  /** Pending approvals, oldest first. */
  readonly pending: readonly ApprovalSummary[]
  readonly departed: readonly DepartedApproval[]
  readonly loaded: boolean
  readonly status: ConnectionStatus
  readonly error?: unknown
}

export type ApprovalQueueAction =
  | { type: 'snapshot'; approvals: readonly ApprovalSummary[] }
  | ApprovalEvent
  | { type: 'left'; approval_id: string; note: string; atMs: number }
  | { type: 'status'; status: ConnectionStatus }
  | { type: 'error'; error: unknown }
  | { type: 'dismiss'; approval_id: string }

export const INITIAL_QUEUE_STATE: ApprovalQueueState = { pending: [], departed: [], loaded: false, status: 'connecting' }

/** How many departure notes stay on screen. */
export const MAX_DEPARTED = 20

const byAge = (a: ApprovalSummary, b: ApprovalSummary) =>
  Date.parse(a.created_at) - Date.parse(b.created_at) || a.approval_id.localeCompare(b.approval_id)

export function describeResolution(resolution: ApprovalResolution): Pick<DepartedApproval, 'note' | 'kind'> {
  if (resolution.status === 'expired') return { kind: 'gone', note: 'Timed out: the agent was told the request timed out' }
  if (resolution.status === 'abandoned') return { kind: 'gone', note: 'Abandoned: the agent stopped waiting' }
  const verb = resolution.permission === 'allow' ? 'Allowed' : resolution.permission === 'deny' ? 'Denied' : 'Left to the host'
  const who = resolution.reviewer ? ` by ${resolution.reviewer}` : ''
  const why = resolution.reason ? ` (“${resolution.reason}”)` : ''
  const remember = resolution.remember
  const scope =
    remember === undefined || resolution.permission === 'human'
      ? ''
      : remember.scope === 'once' || remember.expires_at === null
        ? ' — this call only'
        : ` — remembered for this exact call${remember.scope === 'session' ? ' in this session' : ''} until ${formatTimestamp(remember.expires_at)}`
  return { kind: resolution.permission ?? 'gone', note: `${verb}${who}${why}${scope}` }
}

function depart(state: ApprovalQueueState, id: string, note: Omit<DepartedApproval, 'approval'>): ApprovalQueueState {
  const approval = state.pending.find((a) => a.approval_id === id)
  if (!approval) return state
  return {
    ...state,
    pending: state.pending.filter((a) => a.approval_id !== id),
    departed: [{ approval, ...note }, ...state.departed].slice(0, MAX_DEPARTED),
  }
}

export function approvalQueueReducer(state: ApprovalQueueState, action: ApprovalQueueAction): ApprovalQueueState {
  switch (action.type) {
    case 'snapshot': {
      // Cards missing from a snapshot are handled by the caller (it asks the server how they
      // ended and sends 'approval.resolved' or 'left'); until then they stay visible.
      const fresh = action.approvals.filter((a) => a.status === 'pending')
      const ids = new Set(fresh.map((a) => a.approval_id))
      const kept = state.pending.filter((a) => !ids.has(a.approval_id))
      const gone = new Set(state.departed.map((d) => d.approval.approval_id))
      const pending = [...fresh.filter((a) => !gone.has(a.approval_id)), ...kept].sort(byAge)
      return { ...state, pending, loaded: true, error: undefined }
    }
    case 'approval.created': {
      if (action.approval.status !== 'pending') return state
      if (state.pending.some((a) => a.approval_id === action.approval.approval_id)) return state
      if (state.departed.some((d) => d.approval.approval_id === action.approval.approval_id)) return state
      return { ...state, pending: [...state.pending, action.approval].sort(byAge) }
    }
    case 'approval.resolved':
      return depart(state, action.approval_id, { ...describeResolution(action.resolution), atMs: Date.parse(action.resolution.resolved_at) })
    case 'left':
      return depart(state, action.approval_id, { kind: 'gone', note: action.note, atMs: action.atMs })
    case 'status':
      return state.status === action.status ? state : { ...state, status: action.status }
    case 'error':
      return { ...state, error: action.error }
    case 'dismiss':
      return { ...state, departed: state.departed.filter((d) => d.approval.approval_id !== action.approval_id) }
  }
}
