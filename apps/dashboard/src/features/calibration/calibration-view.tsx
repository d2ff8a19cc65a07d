import { useState, type FormEvent } from 'react'
import { isNotFound, type ApiClient } from '../../api/client.ts'
import { PermissionBadge } from '../../components/badges.tsx'
import { Empty, ErrorState, Loading } from '../../components/states.tsx'
import { formatTimestamp } from '../../components/time.ts'
import { useResource } from '../../components/use-resource.ts'

export function CalibrationView(props: { api: ApiClient; calibrating: boolean }) {
  const { api } = props
  const [form, setForm] = useState({ agreement: '', reviewer: '' })
  const [query, setQuery] = useState(form)
  const stats = useResource(() => api.calibrationStats(), 'cal-stats', 10_000)
  const records = useResource(
    () => api.calibrationRecords({ ...query, limit: 200 }),
    `cal-records:${query.agreement}:${query.reviewer}`,
    10_000,
  )
  function apply(event: FormEvent) {
    event.preventDefault()
    setQuery(form)
  }
  const s = stats.data
  const rate = s?.agreement_rate == null ? '—' : `${(s.agreement_rate * 100).toFixed(1)}%`
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Calibration</h1>
        {!props.calibrating && <span className="muted small">The server is not calibrating now (start it with --calibrate).</span>}
      </div>
      {isNotFound(stats.error) && <Empty>This server does not offer calibration statistics.</Empty>}
      {stats.error !== undefined && !isNotFound(stats.error) && <ErrorState error={stats.error} onRetry={stats.reload} />}
      {!s ? (
        stats.error === undefined && <Loading />
      ) : (
        <>
          <div className="grid-cards">
            <div className="stat">
              <div className="muted small">Human-reviewed decisions</div>
              <div className="value">{s.total}</div>
            </div>
            <div className="stat">
              <div className="muted small">Engine ↔ human agreement</div>
              <div className="value" data-agreement>
                {rate}
              </div>
              <div className="muted small">
                {s.matched} matched · {s.overridden} overridden
              </div>
            </div>
          </div>
          <section className="panel">
            <h2 className="section-title">Most overridden actions</h2>
            {s.most_overridden_actions.length === 0 ? (
              <span className="muted">None yet</span>
            ) : (
              <ol>
                {s.most_overridden_actions.map((a) => (
                  <li key={a.action_type}>
                    <code>{a.action_type}</code> — {a.count}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
      <form className="filters panel" onSubmit={apply}>
        <label className="field">
          Agreement
          <select value={form.agreement} onChange={(e) => setForm({ ...form, agreement: e.target.value })}>
            <option value="">All</option>
            <option value="matched">Matched</option>
            <option value="overridden">Overridden</option>
          </select>
        </label>
        <label className="field">
          Reviewer
          <input value={form.reviewer} onChange={(e) => setForm({ ...form, reviewer: e.target.value })} />
        </label>
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
      </form>
      {records.error !== undefined && !isNotFound(records.error) && <ErrorState error={records.error} onRetry={records.reload} />}
      {isNotFound(records.error) ? (
        <Empty>This server does not offer calibration records.</Empty>
      ) : !records.data ? (
        records.error === undefined && <Loading />
      ) : records.data.length === 0 ? (
        <Empty>No calibration records yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label="calibration records">
            <thead>
              <tr>
                <th>Time</th>
                <th>Action</th>
                <th>Channel</th>
                <th>Engine said</th>
                <th>Human said</th>
                <th>Match</th>
                <th>Reviewer</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {records.data.map((r) => {
                const match = r.engine_permission === undefined ? undefined : r.engine_permission === r.permission
                return (
                  <tr key={r.entry_id}>
                    <td>{formatTimestamp(r.timestamp)}</td>
                    <td className="mono">{r.action_type}</td>
                    <td>{r.channel}</td>
                    <td>{r.engine_permission ? <PermissionBadge permission={r.engine_permission} source={r.engine_source} /> : '—'}</td>
                    <td>
                      <PermissionBadge permission={r.permission} />
                    </td>
                    <td>{match === undefined ? '—' : match ? '✓' : '⚠ overridden'}</td>
                    <td>{r.reviewer ?? '—'}</td>
                    <td style={{ whiteSpace: 'normal' }}>{r.reason ?? '—'}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
