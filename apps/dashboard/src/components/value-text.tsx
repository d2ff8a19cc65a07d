import { useState } from 'react'

/** Values longer than this (characters or lines) start collapsed. */
export const COLLAPSE_CHARS = 280
export const COLLAPSE_LINES = 6

/** Shows any JSON value as plain text (never HTML); long values are collapsible. */
export function ValueText(props: { value: unknown; initiallyOpen?: boolean }) {
  const text = toDisplayText(props.value)
  const lines = text.split('\n').length
  const long = text.length > COLLAPSE_CHARS || lines > COLLAPSE_LINES
  const [open, setOpen] = useState(!long || props.initiallyOpen === true)
  if (!long) return <pre className="value-text">{text}</pre>
  const preview = open ? text : `${text.split('\n').slice(0, 3).join('\n').slice(0, 200)}…`
  return (
    <div>
      <pre className="value-text">{preview}</pre>
      <button type="button" className="collapsible-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Show less' : `Show all (${text.length} characters, ${lines} lines)`}
      </button>
    </div>
  )
}

export function toDisplayText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  return JSON.stringify(value, null, 2)
}
