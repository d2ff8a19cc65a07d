/** The closed set of failures `@permit0/store` reports. */
export const StoreErrorCode = {
  /** The database could not be reached or refused the connection. */
  ConnectionFailed: 'STORE_CONNECTION_FAILED',
  /** A migration failed; the schema was left as it was before (migrations run in one transaction). */
  MigrationFailed: 'STORE_MIGRATION_FAILED',
  /** Another process holds the embedded data directory. */
  DataDirLocked: 'STORE_DATA_DIR_LOCKED',
  /** The audit signing key file is unreadable or malformed. */
  InvalidAuditKey: 'STORE_INVALID_AUDIT_KEY',
  /** A stored row could not be read back (corrupt JSON column, unknown enum value). */
  CorruptRow: 'STORE_CORRUPT_ROW',
  /** A unique name is already taken (API token names). */
  Conflict: 'STORE_CONFLICT',
  /** An argument was outside what the store accepts (bad cursor, bad hash). */
  InvalidInput: 'STORE_INVALID_INPUT',
  /** The store was used after `close()`. */
  Closed: 'STORE_CLOSED',
  /** Any other database failure. */
  QueryFailed: 'STORE_QUERY_FAILED',
} as const
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode]

export class StoreError extends Error {
  override readonly name = 'StoreError'
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A short, single-line description of an unknown failure (pg errors carry `code`). */
export function describeCause(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describeCause(err.errors[0])
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    const text = err.message.split('\n')[0] ?? ''
    return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text
  }
  return String(err)
}

/** A database URL with the password removed, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '<unparseable database URL>'
  }
}
