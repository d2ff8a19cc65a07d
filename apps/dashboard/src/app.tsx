import { Suspense, lazy, useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { createApiClient, type ApiClient } from './api/client.ts'
import { readReviewer, readToken, writeReviewer, writeToken } from './api/session.ts'
import { useResource } from './components/use-resource.ts'
import { ActivityView } from './features/activity/activity-view.tsx'
import { ApprovalsView } from './features/approvals/approvals-view.tsx'
import { useApprovalQueue, type ApprovalQueueOptions } from './features/approvals/use-approval-queue.ts'
import { CalibrationView } from './features/calibration/calibration-view.tsx'
import { PoliciesView } from './features/policies/policies-view.tsx'
import { Loading } from './components/states.tsx'

/** The charts library is large: load it with the overview only. */
const OverviewView = lazy(() => import('./features/overview/overview-view.tsx').then((m) => ({ default: m.OverviewView })))

export const VIEWS = ['approvals', 'activity', 'overview', 'policies', 'calibration'] as const
export type View = (typeof VIEWS)[number]
const VIEW_LABEL: Record<View, string> = {
  approvals: 'Approvals',
  activity: 'Activity',
  overview: 'Overview',
  policies: 'Policies',
  calibration: 'Calibration',
}

function viewFromHash(hash: string): View {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0]
  return (VIEWS as readonly string[]).includes(name ?? '') ? (name as View) : 'approvals'
}

function useHashView(): View {
  const [view, setView] = useState(() => viewFromHash(window.location.hash))
  useEffect(() => {
    const onChange = () => setView(viewFromHash(window.location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return view
}

export interface AppProps {
  /** For tests: a client factory (default: same-origin fetch). */
  makeClient?: (opts: { getToken(): string | undefined; onUnauthorized(): void }) => ApiClient
  queueOptions?: ApprovalQueueOptions
}

/** The auth gate: a sign-in form after a 401, otherwise the console. */
export function App({ makeClient = createApiClient, queueOptions }: AppProps) {
  const [token, setToken] = useState(readToken)
  const [needsSignIn, setNeedsSignIn] = useState(false)
  const tokenRef = useRef(token)
  tokenRef.current = token
  const api = useMemo(
    () => makeClient({ getToken: () => tokenRef.current, onUnauthorized: () => setNeedsSignIn(true) }),
    [makeClient],
  )
  function signIn(value: string | undefined) {
    writeToken(value)
    setToken(value)
    setNeedsSignIn(false)
  }
  if (needsSignIn) return <SignIn hadToken={token !== undefined} onToken={signIn} />
  return <Console key={token ?? ''} api={api} signedIn={token !== undefined} onSignOut={() => signIn(undefined)} queueOptions={queueOptions} />
}

function Console(props: { api: ApiClient; signedIn: boolean; onSignOut(): void; queueOptions?: ApprovalQueueOptions }) {
  const { api } = props
  const view = useHashView()
  const queue = useApprovalQueue(api, props.queueOptions)
  const who = useResource(() => api.whoami(), 'whoami')
  const health = useResource(() => api.health(), 'health', 30_000)
  const [storedReviewer, setStoredReviewer] = useState(readReviewer)
  const role = who.data?.role
  const canDecide = role === 'approver' || role === 'admin'
  const canManage = role === 'admin'
  const reviewer = (who.data?.auth && who.data.name) || storedReviewer
  const calibrating = health.data?.mode.calibrate ?? false
  const count = queue.pending.length

  useEffect(() => {
    document.title = count > 0 ? `(${count}) permit0 approvals` : 'permit0'
  }, [count])

  function saveReviewer(name: string | undefined) {
    writeReviewer(name)
    setStoredReviewer(name)
  }

  if (role === 'agent') {
    // Agent tokens may only call /check: the console has nothing they may read.
    return (
      <div className="panel stack signin" role="alert">
        <h1>This is an agent token</h1>
        <p className="muted">
          Token {who.data?.name ? `'${who.data.name}'` : ''} may only submit checks. Sign in with a viewer, approver or
          admin token to use the console.
        </p>
        <button type="button" className="btn btn-primary" onClick={props.onSignOut}>
          Sign out
        </button>
      </div>
    )
  }

  const visible = VIEWS.filter((v) => v !== 'calibration' || calibrating || view === 'calibration')
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="main">
        <div className="brand">
          permit0 <small>approvals console</small>
        </div>
        {visible.map((v) => (
          <a key={v} className="nav-link" href={`#/${v}`} aria-current={view === v ? 'page' : undefined}>
            <span>{VIEW_LABEL[v]}</span>
            {v === 'approvals' && count > 0 && (
              <span className="nav-badge" aria-label={`${count} pending`}>
                {count}
              </span>
            )}
          </a>
        ))}
        <div className="sidebar-foot">
          {role && (
            <span>
              {who.data?.auth ? `${who.data.name ?? 'token'} · ${role}` : 'no auth (local)'}
            </span>
          )}
          {reviewer && <span>reviewer: {reviewer}</span>}
          {!who.data?.auth && storedReviewer && (
            <button type="button" className="link-button" onClick={() => saveReviewer(undefined)}>
              change name
            </button>
          )}
          {props.signedIn && (
            <button type="button" className="link-button" onClick={props.onSignOut}>
              Sign out
            </button>
          )}
          {health.data && (
            <span>
              server {health.data.version} · store {health.data.store.ok ? 'ok' : 'DOWN'}
            </span>
          )}
          {health.error !== undefined && <span>server unreachable</span>}
        </div>
      </nav>
      <main className="main">
        {view === 'approvals' && (
          <ApprovalsView queue={queue} canDecide={canDecide} reviewer={reviewer} onReviewer={saveReviewer} />
        )}
        {view === 'activity' && <ActivityView api={api} />}
        {view === 'overview' && (
          <Suspense fallback={<Loading />}>
            <OverviewView api={api} onOpen={(v) => (window.location.hash = `#/${v}`)} />
          </Suspense>
        )}
        {view === 'policies' && <PoliciesView api={api} canManage={canManage} />}
        {view === 'calibration' && <CalibrationView api={api} calibrating={calibrating} />}
      </main>
    </div>
  )
}

function SignIn(props: { hadToken: boolean; onToken(token: string): void }) {
  const [value, setValue] = useState('')
  function submit(event: FormEvent) {
    event.preventDefault()
    if (value.trim()) props.onToken(value.trim())
  }
  return (
    <form className="panel stack signin" onSubmit={submit} aria-label="sign in">
      <h1>Sign in to permit0</h1>
      <p className="muted">
        {props.hadToken ? 'The server rejected your token.' : 'This server requires a sign-in.'} On a local daemon, open
        the one-time login link that <code>permit0 serve --ui</code> printed (or run <code>permit0 login</code>). Otherwise
        paste a viewer, approver or admin token; it is kept only for this browser tab.
      </p>
      <label className="field">
        API token
        <input type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} required />
      </label>
      <button type="submit" className="btn btn-primary">
        Sign in
      </button>
    </form>
  )
}
