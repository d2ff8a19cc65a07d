import type { AuditEntry } from '@permit0/contracts'
import { AUDIT_SOURCE_INFO } from '@permit0/domain'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { ApiClient, AuditFilters } from '../../api/client.ts'
import { isNotFound } from '../../api/client.ts'
import { PermissionBadge, TierBadge } from '../../components/badges.tsx'
import { downloadBlob } from '../../components/download.ts'
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx'
import { formatAgo } from '../../components/time.ts'
import { useNow } from '../../components/use-now.ts'
import { useResource } from '../../components/use-resource.ts'
import { ValueText } from '../../components/value-text.tsx'

export const AUDIT_PAGE_SIZE = 50

/**
 * Sources offered in the filter: every audit source of `@permit0/domain` (a new verdict source
 * appears here once it is registered there), with its label.
 */
const SOURCES = Object.entries(AUDIT_SOURCE_INFO).map(([value, info]) => ({ value, label: info.label }))

interface FilterForm {
  action_type: string
  decision: string
  source: string
  session_id: string
  since: string
  until: string
}
const EMPTY_FORM: FilterForm = { action_type: '', decision: '', source: '', session_id: '', since: '', until: '' }

/** `datetime-local` values carry no zone: read them as local time and send RFC 3339 UTC. */
function toIso(local: string): string | undefined {
  if (!local) return undefined
  const t = new Date(local).getTime()
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

export function toAuditFilters(form: FilterForm): AuditFilters {
  const filters: AuditFilters = { limit: AUDIT_PAGE_SIZE }
  if (form.action_type.trim()) filters.action_type = form.action_type.trim()
  if (form.decision) filters.decision = form.decision as NonNullable<AuditFilters['decision']>
  if (form.source) filters.source = form.source
  if (form.session_id.trim()) filters.session_id = form.session_id.trim()
  const since = toIso(form.since)
  const until = toIso(form.until)
  if (since) filters.since = since
  if (until) filters.until = until
  return filters
}

export function ActivityView({ api }: { api: ApiClient }) {
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM)
  const [filters, setFilters] = useState<AuditFilters>(() => toAuditFilters(EMPTY_FORM))
  const [entries, setEntries] = useState<AuditEntry[]>([])
  const [cursor, setCursor] = useState<string>()
  const [state, setState] = useState<{ loading: boolean; error?: unknown }>({ loading: true })
  const [open, setOpen] = useState<string>()
  const [generation, setGeneration] = useState(0)
  const nowMs = useNow(5_000)
  const request = useRef(0)

  useEffect(() => {
    const id = ++request.current
    setState({ loading: true })
    api.listAudit(filters).then(
      (page) => {
        if (id !== request.current) return
        setEntries(page.entries)
        setCursor(page.next_cursor)
        setState({ loading: false })
      },
      (error: unknown) => id === request.current && setState({ loading: false, error }),
    )
  }, [api, filters, generation])

  async function loadMore() {
    if (!cursor) return
    const id = ++request.current
    setState({ loading: true })
    try {
      const page = await api.listAudit({ ...filters, cursor })
      if (id !== request.current) return
      setEntries((prev) => {
        const seen = new Set(prev.map((e) => e.entry_id))
        return [...prev, ...page.entries.filter((e) => !seen.has(e.entry_id))]
      })
      setCursor(page.next_cursor)
      setState({ loading: false })
    } catch (error) {
      if (id === request.current) setState({ loading: false, error })
    }
  }

  function apply(event: FormEvent) {
    event.preventDefault()
    setOpen(undefined)
    setFilters(toAuditFilters(form))
    setGeneration((g) => g + 1)
  }

  // The Shadow column appears once an entry carries a candidate policy's answer (`serve --shadow`).
  const shadowed = entries.some((e) => e.shadow !== undefined)
  const set = (key: keyof FilterForm) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value })

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Activity</h1>
        <div className="row">
          <ChainStatus api={api} />
          <ExportButton api={api} format="jsonl" />
          <ExportButton api={api} format="csv" />
        </div>
      </div>
      <form className="filters panel" onSubmit={apply} aria-label="audit filters">
        <label className="field">
          Action type
          <input value={form.action_type} onChange={set('action_type')} placeholder="email.send" />
        </label>
        <label className="field">
          Permission
          <select value={form.decision} onChange={set('decision')}>
            <option value="">All</option>
            <option value="allow">Allow</option>
            <option value="deny">Deny</option>
            <option value="human">Human (HITL)</option>
            <option value="bypass">Bypass (no pack)</option>
          </select>
        </label>
        <label className="field">
          Verdict source
          <select value={form.source} onChange={set('source')}>
            <option value="">All</option>
            {SOURCES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Since
          <input type="datetime-local" value={form.since} onChange={set('since')} />
        </label>
        <label className="field">
          Until
          <input type="datetime-local" value={form.until} onChange={set('until')} />
        </label>
        <label className="field">
          Session
          <input value={form.session_id} onChange={set('session_id')} />
        </label>
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => {
            setForm(EMPTY_FORM)
            setFilters(toAuditFilters(EMPTY_FORM))
            setGeneration((g) => g + 1)
          }}
        >
          Reset
        </button>
      </form>
      {state.error !== undefined && <ErrorState error={state.error} onRetry={() => setGeneration((g) => g + 1)} />}
      {entries.length === 0 ? (
        state.loading ? (
          <Loading label="Loading the audit log…" />
        ) : (
          state.error === undefined && <Empty>No audit entries match these filters.</Empty>
        )
      ) : (
        <div className="table-wrap">
          <table aria-label="audit entries">
            <thead>
              <tr>
                <th>#</th>
                <th>Time</th>
                <th>Action</th>
                <th>Channel</th>
                <th>Permission</th>
                <th>Source</th>
                <th>Tier</th>
                <th>Score</th>
                <th>Engine said</th>
                <th>Reviewer</th>
                {shadowed && <th title="What the candidate policy (serve --shadow) would have answered">Shadow</th>}
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow
                  key={entry.entry_id}
                  entry={entry}
                  nowMs={nowMs}
                  shadowed={shadowed}
                  open={open === entry.entry_id}
                  onToggle={() => setOpen(open === entry.entry_id ? undefined : entry.entry_id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row">
        <span className="muted small">
          {entries.length} entr{entries.length === 1 ? 'y' : 'ies'} shown, newest first
        </span>
        {cursor && (
          <button type="button" className="btn" disabled={state.loading} onClick={() => void loadMore()}>
            Load older entries
          </button>
        )}
        <button type="button" className="btn" onClick={() => setGeneration((g) => g + 1)}>
          Refresh
        </button>
      </div>
    </div>
  )
}

/** The candidate policy's answer; marked when it differs from the live policy's (the engine's, before any human). */
export function ShadowCell({ entry }: { entry: AuditEntry }) {
  const shadow = entry.shadow
  if (shadow === undefined) return <span className="muted">—</span>
  if (shadow.permission === undefined) {
    return (
      <span className="chain-bad small" data-shadow="error" title={shadow.error}>
        error
      </span>
    )
  }
  const live = entry.engine_permission ?? entry.permission
  const detail = [shadow.source, shadow.tier, shadow.score].filter((v) => v !== undefined).join(' ')
  if (shadow.permission === live) {
    return (
      <span data-shadow="same" title={detail}>
        <PermissionBadge permission={shadow.permission} source={shadow.source} />
      </span>
    )
  }
  return (
    <span className="shadow-differs" data-shadow="differs" title={`Differs from the live policy (${live}): ${detail}`}>
      ≠ <PermissionBadge permission={shadow.permission} source={shadow.source} />
    </span>
  )
}

function AuditRow(props: { entry: AuditEntry; nowMs: number; shadowed: boolean; open: boolean; onToggle(): void }) {
  const { entry } = props
  return (
    <>
      <tr
        className="clickable"
        tabIndex={0}
        aria-expanded={props.open}
        onClick={props.onToggle}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), props.onToggle())}
      >
        <td className="muted">{entry.sequence}</td>
        <td title={entry.timestamp}>{formatAgo(entry.timestamp, props.nowMs)}</td>
        <td className="mono">{entry.action_type}</td>
        <td>{entry.channel}</td>
        <td>
          <PermissionBadge permission={entry.permission} source={entry.source} />
          {entry.kind !== 'decision' && <span className="muted small"> {entry.kind.replace(/_/g, ' ')}</span>}
        </td>
        <td>{entry.source}</td>
        <td>
          <TierBadge tier={entry.tier} />
        </td>
        <td>{entry.score ?? '—'}</td>
        <td>{entry.engine_permission ? <PermissionBadge permission={entry.engine_permission} source={entry.engine_source} /> : '—'}</td>
        <td>{entry.reviewer ?? '—'}</td>
        {props.shadowed && (
          <td>
            <ShadowCell entry={entry} />
          </td>
        )}
      </tr>
      {props.open && (
        <tr>
          <td className="detail" colSpan={props.shadowed ? 11 : 10}>
            <div className="stack">
              {entry.flags.length > 0 && (
                <div className="row">
                  {entry.flags.map((f) => (
                    <span key={f} className="chip">
                      {f}
                    </span>
                  ))}
                </div>
              )}
              {entry.reason && <div>Reason: {entry.reason}</div>}
              <ValueText value={entry} initiallyOpen />
            </div>
          </td>
        </tr>
      )}
    </>
  )
}

function ExportButton(props: { api: ApiClient; format: 'jsonl' | 'csv' }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  async function run() {
    setBusy(true)
    setError(undefined)
    try {
      downloadBlob(await props.api.exportAudit(props.format), `permit0-audit.${props.format}`)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <button type="button" className="btn" disabled={busy} onClick={() => void run()} title={error}>
      {error ? `Export ${props.format.toUpperCase()} failed` : `Export ${props.format.toUpperCase()}`}
    </button>
  )
}

function ChainStatus({ api }: { api: ApiClient }) {
  const verify = useResource(() => api.verifyAudit(), 'verify', 30_000)
  if (isNotFound(verify.error)) {
    return <span className="muted small">Chain verification not available on this server</span>
  }
  if (verify.error !== undefined) return <span className="chain-bad small">Chain check failed: {errorMessage(verify.error)}</span>
  if (!verify.data) return <span className="muted small">Verifying chain…</span>
  return verify.data.ok ? (
    <span className="chain-ok small" data-chain="ok">
      ✓ Chain verified ({verify.data.checked} entries)
    </span>
  ) : (
    <span className="chain-bad small" data-chain="broken">
      ✗ Chain broken{verify.data.first_bad_sequence !== undefined && ` at #${verify.data.first_bad_sequence}`}
      {verify.data.error && `: ${verify.data.error}`}
    </span>
  )
}
