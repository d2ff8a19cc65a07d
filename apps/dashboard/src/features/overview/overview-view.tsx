import type { ReactElement } from 'react'
import type { AuditEntry } from '@permit0/contracts'
import { Bar, BarChart, CartesianGrid, Cell, Line, LineChart, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { ApiClient, StatsWithTimeline } from '../../api/client.ts'
import { Empty, ErrorState, Loading } from '../../components/states.tsx'
import { useResource } from '../../components/use-resource.ts'

const SPLIT_COLOURS = { Allow: '#1a7f43', Deny: '#b3261e', 'Host prompt': '#d99400', Bypass: '#31609e' } as const
const TIERS = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const
const TIER_COLOURS = ['#5aa469', '#8cbf3f', '#e0b100', '#e07b00', '#b3261e'] as const
/** Minutes shown in the decisions-per-minute chart. */
export const TIMELINE_MINUTES = 30

/**
 * Final answers, one slice per call: allow and deny (a reviewed call counts as what the person
 * decided), left to the host's own prompt (`human`), bypass. `human_count` (every call sent to a
 * person, reviewed ones included) overlaps allow/deny, so it is shown beside the split, not in it.
 */
export function decisionSplit(stats: StatsWithTimeline) {
  const hostPrompt = Math.max(0, stats.total_decisions - stats.allow_count - stats.deny_count - stats.fallback_count)
  return [
    { name: 'Allow', value: stats.allow_count },
    { name: 'Deny', value: stats.deny_count },
    { name: 'Host prompt', value: hostPrompt },
    { name: 'Bypass', value: stats.fallback_count },
  ] as const
}

/** Buckets entries per minute over the last `minutes` minutes ending at `nowMs`, oldest first. */
export function perMinute(timestamps: readonly string[], nowMs: number, minutes = TIMELINE_MINUTES) {
  const end = Math.floor(nowMs / 60_000)
  const buckets = new Map<number, number>()
  for (let m = end - minutes + 1; m <= end; m++) buckets.set(m, 0)
  for (const ts of timestamps) {
    const m = Math.floor(Date.parse(ts) / 60_000)
    if (buckets.has(m)) buckets.set(m, (buckets.get(m) ?? 0) + 1)
  }
  return [...buckets].map(([m, count]) => ({ minute: minuteLabel(m * 60_000), count }))
}

function minuteLabel(ms: number) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

interface OverviewData {
  stats: StatsWithTimeline
  recent: AuditEntry[]
  nowMs: number
}

export function OverviewView(props: { api: ApiClient; onOpen(view: 'approvals' | 'activity'): void }) {
  const { api } = props
  const res = useResource<OverviewData>(
    async () => {
      const [stats, page] = await Promise.all([api.stats(), api.listAudit({ limit: 500 })])
      return { stats, recent: page.entries, nowMs: Date.now() }
    },
    'overview',
    10_000,
  )
  if (!res.data) return res.error !== undefined ? <ErrorState error={res.error} onRetry={res.reload} /> : <Loading />
  const { stats, recent, nowMs } = res.data
  const split = decisionSplit(stats)
  const tiers = TIERS.map((tier) => ({ tier, count: stats.tier_distribution[tier] ?? 0 }))
  const timeline = stats.per_minute
    ? stats.per_minute.slice(-TIMELINE_MINUTES).map((p) => ({ minute: minuteLabel(Date.parse(p.minute)), count: p.count }))
    : perMinute(
        recent.map((e) => e.timestamp),
        nowMs,
      )
  const allowRate = stats.total_decisions ? ((stats.allow_count / stats.total_decisions) * 100).toFixed(1) : '—'
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Overview</h1>
        {res.error !== undefined && <span className="chain-bad small">Refresh failed; showing the last data</span>}
      </div>
      <div className="grid-cards">
        <Stat label="Decisions" value={stats.total_decisions} onClick={() => props.onOpen('activity')} />
        <Stat label="Allow rate" value={allowRate === '—' ? '—' : `${allowRate}%`} />
        <Stat label="Pending approvals" value={stats.pending_approvals} onClick={() => props.onOpen('approvals')} />
        <Stat label="Sent to a human / bypass" value={`${stats.human_count} / ${stats.fallback_count}`} />
      </div>
      {stats.total_decisions === 0 ? (
        <Empty>No decisions yet. Charts appear once agents start calling /check.</Empty>
      ) : (
        <div className="charts">
          <Chart title="Final answers: allow / deny / host prompt / bypass">
            <PieChart>
              <Pie data={split.filter((s) => s.value > 0)} dataKey="value" nameKey="name" outerRadius={80} label isAnimationActive={false}>
                {split
                  .filter((s) => s.value > 0)
                  .map((s) => (
                    <Cell key={s.name} fill={SPLIT_COLOURS[s.name]} />
                  ))}
              </Pie>
              <Tooltip />
            </PieChart>
          </Chart>
          <Chart title="Tier distribution">
            <BarChart data={tiers}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="tier" fontSize={11} />
              <YAxis allowDecimals={false} fontSize={11} width={32} />
              <Tooltip />
              <Bar dataKey="count" isAnimationActive={false}>
                {tiers.map((t, i) => (
                  <Cell key={t.tier} fill={TIER_COLOURS[i]} />
                ))}
              </Bar>
            </BarChart>
          </Chart>
          <Chart title={`Decisions per minute (last ${TIMELINE_MINUTES} min)`}>
            <LineChart data={timeline}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="minute" fontSize={11} minTickGap={24} />
              <YAxis allowDecimals={false} fontSize={11} width={32} />
              <Tooltip />
              <Line type="monotone" dataKey="count" stroke="#2855d8" dot={false} isAnimationActive={false} />
            </LineChart>
          </Chart>
        </div>
      )}
      <div className="row muted small" aria-label="decision split">
        {split.map((s) => (
          <span key={s.name}>
            <span className="status-dot" style={{ background: SPLIT_COLOURS[s.name] }} />
            {s.name}: {s.value}
          </span>
        ))}
        <span>Sent to a human: {stats.human_count}</span>
      </div>
    </div>
  )
}

function Stat(props: { label: string; value: string | number; onClick?: () => void }) {
  const body = (
    <>
      <div className="muted small">{props.label}</div>
      <div className="value">{props.value}</div>
    </>
  )
  return props.onClick ? (
    <button type="button" className="stat" style={{ textAlign: 'left' }} onClick={props.onClick}>
      {body}
    </button>
  ) : (
    <div className="stat">{body}</div>
  )
}

function Chart(props: { title: string; children: ReactElement }) {
  return (
    <section className="panel">
      <h2 className="section-title">{props.title}</h2>
      <div style={{ width: '100%', height: 220 }}>
        <ResponsiveContainer width="100%" height="100%">
          {props.children}
        </ResponsiveContainer>
      </div>
    </section>
  )
}
