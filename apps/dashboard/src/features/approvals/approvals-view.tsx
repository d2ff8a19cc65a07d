import { useState, type FormEvent } from 'react'
import { Empty, ErrorState, Loading } from '../../components/states.tsx'
import { useNow } from '../../components/use-now.ts'
import { ApprovalCard } from './approval-card.tsx'
import type { DepartedApproval } from './approval-queue-state.ts'
import type { ApprovalQueue } from './use-approval-queue.ts'

export interface ApprovalsViewProps {
  queue: ApprovalQueue
  canDecide: boolean
  /** The reviewer's name: from the token, or asked once and remembered. */
  reviewer: string | undefined
  onReviewer(name: string): void
}

/** Notes of cards that just left stay above the queue this long, then move below it. */
export const FRESH_NOTE_MS = 30_000

export function ApprovalsView({ queue, canDecide, reviewer, onReviewer }: ApprovalsViewProps) {
  const nowMs = useNow(1_000)
  const needsName = canDecide && !reviewer
  const fresh = queue.departed.filter((d) => nowMs - d.atMs < FRESH_NOTE_MS)
  const older = queue.departed.filter((d) => nowMs - d.atMs >= FRESH_NOTE_MS)
  return (
    <div className="stack">
      <div className="page-head">
        <h1>
          Approvals <span className="muted">({queue.pending.length} pending)</span>
        </h1>
        <ConnectionNote status={queue.status} />
      </div>
      {needsName && <ReviewerForm onReviewer={onReviewer} />}
      {queue.error !== undefined && <ErrorState error={queue.error} onRetry={() => void queue.refresh()} />}
      <DepartedNotes notes={fresh} queue={queue} label="just left the queue" />
      {!queue.loaded && queue.error === undefined ? (
        <Loading label="Loading the approvals queue…" />
      ) : queue.pending.length === 0 ? (
        queue.loaded && <Empty>No pending approvals. Parked requests appear here as soon as an agent is waiting.</Empty>
      ) : (
        <div className="cards" aria-label="pending approvals">
          {queue.pending.map((approval) => (
            <ApprovalCard
              key={approval.approval_id}
              approval={approval}
              nowMs={nowMs}
              canDecide={canDecide && !needsName}
              {...(needsName && { cannotDecideNote: 'Enter your name above to allow or deny.' })}
              onDecide={(permission, reason, scope) => queue.decide(approval, permission, reason, reviewer ?? '', scope)}
            />
          ))}
        </div>
      )}
      {older.length > 0 && (
        <details>
          <summary className="muted">Recently resolved ({older.length})</summary>
          <DepartedNotes notes={older} queue={queue} label="recently resolved" />
        </details>
      )}
      {queue.pending.length > 0 && canDecide && (
        <p className="muted small">
          Shortcuts on a focused card: <kbd>A</kbd> allow, <kbd>D</kbd> deny, <kbd>R</kbd> reason; <kbd>Tab</kbd> moves
          between cards.
        </p>
      )}
    </div>
  )
}

function ConnectionNote(props: { status: ApprovalQueue['status'] }) {
  const label = { live: 'Live', polling: 'Polling every 2 s (live stream unavailable)', connecting: 'Connecting…' }[props.status]
  const dot = { live: 'status-live', polling: 'status-polling', connecting: 'status-polling' }[props.status]
  return (
    <span className="muted small" data-connection={props.status}>
      <span className={`status-dot ${dot}`} />
      {label}
    </span>
  )
}

function ReviewerForm(props: { onReviewer(name: string): void }) {
  const [name, setName] = useState('')
  function submit(event: FormEvent) {
    event.preventDefault()
    if (name.trim()) props.onReviewer(name.trim())
  }
  return (
    <form className="panel row" onSubmit={submit} aria-label="reviewer name">
      <label className="field" style={{ flex: '1 1 240px' }}>
        Your name (recorded with every decision you make)
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
      </label>
      <button type="submit" className="btn btn-primary">
        Save name
      </button>
    </form>
  )
}

function DepartedNotes(props: { notes: readonly DepartedApproval[]; queue: ApprovalQueue; label: string }) {
  if (props.notes.length === 0) return null
  return (
    <div className="stack" aria-label={props.label}>
      {props.notes.map((d) => (
        <div key={d.approval.approval_id} className={`notice notice-${d.kind === 'gone' ? 'gone' : d.kind}`} role="status">
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <span>
              <strong className="mono">{d.approval.action_type}</strong> ({d.approval.channel}) left the queue — {d.note}
            </span>
            <button type="button" className="collapsible-toggle" onClick={() => props.queue.dismiss(d.approval.approval_id)}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
    </div>
  )
}
