import type { ListKind, PackValidateResponse } from '@permit0/contracts'
import { useState, type FormEvent } from 'react'
import { isNotFound, type ApiClient } from '../../api/client.ts'
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx'
import { useResource } from '../../components/use-resource.ts'

const TABS = [
  { id: 'denylist', label: 'Denylist' },
  { id: 'allowlist', label: 'Allowlist' },
  { id: 'packs', label: 'Packs' },
  { id: 'validate', label: 'Validate YAML' },
] as const
type Tab = (typeof TABS)[number]['id']

export function PoliciesView(props: { api: ApiClient; canManage: boolean }) {
  const [tab, setTab] = useState<Tab>('denylist')
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Policies</h1>
      </div>
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" className="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      {(tab === 'denylist' || tab === 'allowlist') && <ListPanel key={tab} api={props.api} kind={tab} canManage={props.canManage} />}
      {tab === 'packs' && <PacksPanel api={props.api} />}
      {tab === 'validate' && <ValidatePanel api={props.api} />}
    </div>
  )
}

const HASH_RE = /^[0-9a-fA-F]{64}$/

function ListPanel(props: { api: ApiClient; kind: ListKind; canManage: boolean }) {
  const { api, kind } = props
  const list = useResource(() => api.listEntries(kind), kind)
  const [hash, setHash] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)

  async function run(action: () => Promise<void>) {
    setBusy(true)
    setError(undefined)
    try {
      await action()
      list.reload()
      return true
    } catch (e) {
      setError(errorMessage(e))
      return false
    } finally {
      setBusy(false)
    }
  }

  async function add(event: FormEvent) {
    event.preventDefault()
    const value = hash.trim()
    if (!HASH_RE.test(value)) {
      setError('The norm hash must be 64 hexadecimal characters (copy it from an approval card or the activity log).')
      return
    }
    if (await run(() => api.addListEntry(kind, { norm_hash: value.toLowerCase(), reason }))) {
      setHash('')
      setReason('')
    }
  }

  const effect = kind === 'denylist' ? 'always denied' : 'always allowed'
  return (
    <div className="stack">
      <p className="muted">
        Calls whose normalized action has one of these norm hashes are {effect}, before scoring.
      </p>
      {props.canManage && (
        <form className="panel row" onSubmit={(e) => void add(e)} aria-label={`add to ${kind}`}>
          <label className="field" style={{ flex: '2 1 320px' }}>
            Norm hash
            <input className="mono" value={hash} onChange={(e) => setHash(e.target.value)} placeholder="64 hex characters" />
          </label>
          <label className="field" style={{ flex: '1 1 200px' }}>
            Reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={4000} />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Add
          </button>
        </form>
      )}
      {error && (
        <div className="error-box" role="alert">
          {error}
        </div>
      )}
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {!list.data ? (
        list.error === undefined && <Loading />
      ) : list.data.length === 0 ? (
        <Empty>The {kind} is empty.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label={kind}>
            <thead>
              <tr>
                <th>Norm hash</th>
                <th>Reason</th>
                <th>Added</th>
                {props.canManage && <th />}
              </tr>
            </thead>
            <tbody>
              {list.data.map((entry) => (
                <tr key={entry.norm_hash}>
                  <td className="mono">{entry.norm_hash}</td>
                  <td style={{ whiteSpace: 'normal' }}>{entry.reason || '—'}</td>
                  <td>{entry.created_at ? new Date(entry.created_at).toLocaleString() : '—'}</td>
                  {props.canManage && (
                    <td>
                      <button
                        type="button"
                        className="btn"
                        disabled={busy}
                        onClick={() => void run(() => api.removeListEntry(kind, entry.norm_hash))}
                      >
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

function PacksPanel({ api }: { api: ApiClient }) {
  const packs = useResource(() => api.packs(), 'packs')
  if (isNotFound(packs.error)) return <Empty>This server does not publish its packs.</Empty>
  if (packs.error !== undefined) return <ErrorState error={packs.error} onRetry={packs.reload} />
  if (!packs.data) return <Loading />
  if (packs.data.length === 0) return <Empty>No packs are loaded.</Empty>
  return (
    <div className="stack">
      {packs.data.map((pack) => (
        <details key={pack.name} className="panel" open={packs.data?.length === 1}>
          <summary>
            <strong>{pack.name}</strong> <span className="muted">v{pack.version}</span>
            {pack.vendor && <span className="muted"> · {pack.vendor}</span>}
            <span className="muted small">
              {' '}
              · {pack.normalizers.length} normalizers · {pack.risk_rules.length} risk rules
            </span>
          </summary>
          {pack.description && <p>{pack.description}</p>}
          <h3 className="section-title" style={{ marginTop: 10 }}>
            Normalizers
          </h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Id</th>
                  <th>Action type</th>
                  <th>Channel</th>
                  <th>Priority</th>
                </tr>
              </thead>
              <tbody>
                {pack.normalizers.map((n) => (
                  <tr key={n.id}>
                    <td className="mono">{n.id}</td>
                    <td className="mono">{n.action_type}</td>
                    <td>{n.channel ?? '—'}</td>
                    <td>{n.priority ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3 className="section-title" style={{ marginTop: 10 }}>
            Risk rules
          </h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Action type</th>
                  <th>Base flags</th>
                  <th>Amplifiers</th>
                </tr>
              </thead>
              <tbody>
                {pack.risk_rules.map((r) => (
                  <tr key={r.action_type}>
                    <td className="mono">{r.action_type}</td>
                    <td style={{ whiteSpace: 'normal' }}>{r.flags.join(', ') || '—'}</td>
                    <td style={{ whiteSpace: 'normal' }}>
                      {Object.entries(r.amplifiers)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ))}
    </div>
  )
}

function ValidatePanel({ api }: { api: ApiClient }) {
  const [yaml, setYaml] = useState('')
  const [result, setResult] = useState<PackValidateResponse>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  async function validate(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    setResult(undefined)
    try {
      setResult(await api.validatePack(yaml))
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="stack" onSubmit={(e) => void validate(e)} aria-label="validate pack YAML">
      <label className="field">
        Pack YAML (validated on the server; nothing is saved)
        <textarea className="mono" rows={14} value={yaml} onChange={(e) => setYaml(e.target.value)} spellCheck={false} />
      </label>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy || !yaml.trim()}>
          Validate
        </button>
      </div>
      {isNotFound(error) ? (
        <Empty>This server does not offer pack validation.</Empty>
      ) : (
        error !== undefined && <ErrorState error={error} />
      )}
      {result &&
        (result.valid ? (
          <div className="notice notice-allow" role="status">
            ✓ Valid pack
          </div>
        ) : (
          <div className="error-box" role="alert">
            <strong>Invalid ({result.errors.length} problem{result.errors.length === 1 ? '' : 's'})</strong>
            <ul>
              {result.errors.map((e, i) => (
                <li key={i}>
                  {e.path && <code>{e.path}</code>} {e.message}
                </li>
              ))}
            </ul>
          </div>
        ))}
    </form>
  )
}
