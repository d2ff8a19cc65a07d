import type { ApprovalSummary, Permission, RememberScope } from '@permit0/contracts'
import { useRef, useState, type KeyboardEvent } from 'react'
import { PermissionBadge, TierBadge } from '../../components/badges.tsx'
import { errorMessage } from '../../components/states.tsx'
import { formatAgo, formatRemaining, formatTimestamp } from '../../components/time.ts'
import { ValueText } from '../../components/value-text.tsx'

export interface ApprovalCardProps {
  approval: ApprovalSummary
  nowMs: number
  /** False for roles that may only look (viewer); the buttons are then hidden. */
  canDecide: boolean
  /** Shown instead of the buttons when the reviewer cannot decide. */
  cannotDecideNote?: string
  /** `scope`: the reviewer's choice (absent when the server offers no scopes for the card). */
  onDecide(permission: Permission, reason: string, scope?: RememberScope): Promise<void>
}

/** What each scope is called on the card. */
export const SCOPE_LABELS: Readonly<Record<RememberScope, string>> = {
  once: 'Once',
  call: 'This exact call',
  session: 'This exact call, this session only',
}

/** The line under the scope selector: what the decision will cover and until when. */
export function rememberLine(scope: RememberScope, rememberSecs: number, nowMs: number): string {
  const until = formatTimestamp(new Date(nowMs + rememberSecs * 1_000).toISOString())
  switch (scope) {
    case 'once':
      return 'Not remembered: this call only, the same call asks again'
    case 'call':
      return `Remembered for this exact call until ${until}`
    case 'session':
      return `Remembered for this exact call in this session until ${until}`
  }
}

/** Keys that act on the focused card. */
export const CARD_SHORTCUTS = { allow: 'a', deny: 'd', reason: 'r' } as const

export function ApprovalCard({ approval, nowMs, canDecide, cannotDecideNote, onDecide }: ApprovalCardProps) {
  const [reason, setReason] = useState('')
  const options = approval.scope_options
  const [scope, setScope] = useState<RememberScope | undefined>(options?.default)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const reasonRef = useRef<HTMLInputElement>(null)
  const remainingMs = Date.parse(approval.expires_at) - nowMs
  const titleId = `approval-${approval.approval_id}-title`

  async function decide(permission: Permission) {
    if (busy) return
    setBusy(true)
    setError(undefined)
    try {
      await (scope === undefined ? onDecide(permission, reason) : onDecide(permission, reason, scope))
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (!canDecide || event.ctrlKey || event.metaKey || event.altKey) return
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return
    const key = event.key.toLowerCase()
    if (key === CARD_SHORTCUTS.allow) void decide('allow')
    else if (key === CARD_SHORTCUTS.deny) void decide('deny')
    else if (key === CARD_SHORTCUTS.reason) reasonRef.current?.focus()
    else return
    event.preventDefault()
  }

  const action: [string, string][] = [
    ['Action type', approval.action_type],
    ['Domain', approval.domain],
    ['Verb', approval.verb],
    ['Channel', approval.channel],
    ['Tool called', approval.tool_name],
    ['Surface tool', approval.surface_tool],
    ['Surface command', approval.surface_command],
    ['Norm hash', approval.norm_hash],
  ]
  const parameters = Object.entries(approval.parameters)
  const target = exactTarget(approval)
  const agent = approval.agent

  return (
    <article
      className="card"
      tabIndex={0}
      aria-labelledby={titleId}
      data-approval-id={approval.approval_id}
      onKeyDown={onKeyDown}
    >
      <div className="card-head">
        <div className="stack" style={{ gap: 4 }}>
          <div className="row">
            <span className="card-title" id={titleId}>
              {approval.action_type}
            </span>
            <TierBadge tier={approval.tier} />
            <span className="muted">score {approval.score ?? '—'}</span>
            {approval.kind === 'calibration' && (
              <span className="badge badge-neutral" title="Calibration mode: engine said">
                engine: <PermissionBadge permission={approval.engine_permission} source={approval.engine_source} />
              </span>
            )}
          </div>
          <div className="muted small">
            {approval.channel} · {approval.engine_source} · parked {formatAgo(approval.created_at, nowMs)}
            {approval.session_id && ` · session ${approval.session_id}`}
          </div>
        </div>
        <div className={`countdown${remainingMs < 30_000 ? ' urgent' : ''}`} aria-label="time left">
          {remainingMs > 0 ? `${formatRemaining(remainingMs)} left` : 'timing out…'}
        </div>
      </div>

      {approval.explanation && (
        <p className="card-explanation" aria-label="what this call does">
          {approval.explanation}
        </p>
      )}
      {approval.why && (
        <div className="muted" aria-label="why permit0 asks">
          Why: {approval.why}
        </div>
      )}
      {target && (
        <section aria-label={target.label}>
          <h3 className="section-title">{target.label}</h3>
          {/* In full, never collapsed: a long line scrolls so its dangerous tail stays reachable. */}
          <pre className="value-text exact-target" tabIndex={0}>
            {target.text}
          </pre>
        </section>
      )}
      <div className="muted small" aria-label="approval identity">
        approval <span className="mono">{approval.approval_id}</span>
        {approval.session_id && (
          <>
            {' · session '}
            <span className="mono">{approval.session_id}</span>
          </>
        )}
        {agent && ` · agent ${agent}`}
      </div>

      {approval.flags.length > 0 && (
        <div className="row" aria-label="risk flags">
          {approval.flags.map((flag) => (
            <span key={flag} className="chip">
              {flag}
            </span>
          ))}
        </div>
      )}
      {approval.block_reason && <div className="muted">Block reason: {approval.block_reason}</div>}
      {approval.task_goal && <div className="muted">Task goal: {approval.task_goal}</div>}

      <div className="card-body">
        <section>
          <h3 className="section-title">Parameters ({parameters.length})</h3>
          {parameters.length === 0 ? (
            <div className="muted">none</div>
          ) : (
            <dl className="kv" aria-label="parameters">
              {parameters.map(([key, value]) => (
                <div key={key} style={{ display: 'contents' }}>
                  <dt className="mono">{key}</dt>
                  <dd>
                    <ValueText value={value} />
                  </dd>
                </div>
              ))}
            </dl>
          )}
        </section>

        <section>
          <h3 className="section-title">Normalized action</h3>
          <dl className="kv">
            {action.map(([label, value]) => (
              <FieldRow key={label} label={label} value={value || '—'} mono={label === 'Norm hash'} />
            ))}
          </dl>
        </section>
      </div>
      {canDecide && options !== undefined && scope !== undefined && (
        <fieldset className="scope" aria-label="remember">
          <legend className="section-title">Remember</legend>
          <div className="row">
            {options.scopes.map((s) => (
              <label key={s} className="scope-option">
                <input
                  type="radio"
                  name={`scope-${approval.approval_id}`}
                  value={s}
                  checked={scope === s}
                  disabled={busy}
                  onChange={() => setScope(s)}
                />{' '}
                {SCOPE_LABELS[s]}
              </label>
            ))}
          </div>
          <div className="muted small" aria-label="remembered until">
            {rememberLine(scope, options.remember_secs, nowMs)}
          </div>
        </fieldset>
      )}
      {canDecide ? (
        <div className="row">
          <label className="field" style={{ flex: '1 1 220px' }}>
            Reason (optional)
            <input
              ref={reasonRef}
              value={reason}
              maxLength={4000}
              onChange={(e) => setReason(e.target.value)}
              placeholder="Why? Recorded in the audit log"
            />
          </label>
          <button type="button" className="btn btn-allow" disabled={busy} onClick={() => void decide('allow')}>
            Allow <kbd>A</kbd>
          </button>
          <button type="button" className="btn btn-deny" disabled={busy} onClick={() => void decide('deny')}>
            Deny <kbd>D</kbd>
          </button>
        </div>
      ) : (
        <div className="muted small">{cannotDecideNote ?? 'Your role can view approvals but not decide them.'}</div>
      )}
      {error !== undefined && (
        <div className="error-box" role="alert">
          {errorMessage(error)}
        </div>
      )}
    </article>
  )
}

/** The exact command, URL, SQL or path of a call: what a reviewer must see whole. */
function exactTarget(a: ApprovalSummary): { label: string; text: string } | undefined {
  const p = a.parameters
  const pick = (key: string): string | undefined => {
    const v = p[key]
    return typeof v === 'string' && v !== '' ? v : undefined
  }
  const command = pick('command')
  if (command !== undefined) return { label: 'Command', text: command }
  const sql = pick('sql')
  if (sql !== undefined) return { label: 'SQL', text: sql }
  const url = pick('url')
  if (url !== undefined) return { label: 'URL', text: url }
  const path = pick('path')
  if (path !== undefined) return { label: 'Path', text: path }
  if (a.surface_command !== '' && a.surface_command !== a.tool_name && a.surface_command !== a.action_type) {
    return { label: 'Call', text: a.surface_command }
  }
  return undefined
}

function FieldRow(props: { label: string; value: string; mono?: boolean }) {
  return (
    <div style={{ display: 'contents' }}>
      <dt>{props.label}</dt>
      <dd className={props.mono ? 'mono' : undefined}>{props.value}</dd>
    </div>
  )
}
