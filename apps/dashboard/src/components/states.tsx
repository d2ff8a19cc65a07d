import type { ReactNode } from 'react'

export function Loading(props: { label?: string }) {
  return (
    <div className="empty" role="status" aria-live="polite">
      {props.label ?? 'Loading…'}
    </div>
  )
}

export function Empty(props: { children: ReactNode }) {
  return <div className="empty">{props.children}</div>
}

export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="error-box row" role="alert">
      <span>{errorMessage(props.error)}</span>
      {props.onRetry && (
        <button type="button" className="btn" onClick={props.onRetry}>
          Retry
        </button>
      )}
    </div>
  )
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
