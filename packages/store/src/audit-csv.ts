import type { AuditEntry } from './store.ts'

/**
 * The audit log's CSV form, defined once: `GET /api/v1/audit/export?format=csv` and
 * `permit0 audit export --format csv` both write `auditCsvLines`, so the two are byte-identical
 * for the same entries. One row per entry, oldest first, RFC 4180 quoting, `\n` line ends; an
 * absent value is an empty field. The signed JSONL export is the verifiable form; CSV is for
 * spreadsheets.
 */
export const AUDIT_CSV_COLUMNS = [
  'entry_id',
  'timestamp',
  'sequence',
  'kind',
  'decision',
  'decision_source',
  'action_type',
  'channel',
  'norm_hash',
  'score',
  'tier',
  'session_id',
  'reviewer',
  'engine_decision',
  'approval_id',
  'prev_hash',
  'entry_hash',
  'key_id',
] as const
export type AuditCsvColumn = (typeof AUDIT_CSV_COLUMNS)[number]

/** RFC 4180 quoting: fields with `,`, `"`, CR or LF are quoted, inner quotes doubled. */
export function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Every column's value for one entry; a new column fails to compile until it is filled here. */
function csvValues(e: AuditEntry): Record<AuditCsvColumn, string | number | undefined> {
  return {
    entry_id: e.entryId,
    timestamp: new Date(e.timestampMs).toISOString(),
    sequence: e.sequence,
    kind: e.kind,
    decision: e.decision,
    decision_source: e.decisionSource,
    action_type: e.action.actionType,
    channel: e.action.channel,
    norm_hash: e.action.normHash,
    score: e.risk?.score,
    tier: e.risk?.tier,
    session_id: e.sessionId,
    reviewer: e.humanReview?.reviewer,
    engine_decision: e.engineDecision,
    approval_id: e.approvalId,
    prev_hash: e.prevHash,
    entry_hash: e.entryHash,
    key_id: e.keyId,
  }
}

/** The header line (no newline). */
export const AUDIT_CSV_HEADER: string = AUDIT_CSV_COLUMNS.join(',')

/** One entry as a CSV line (no newline). */
export function auditCsvRow(entry: AuditEntry): string {
  const values = csvValues(entry)
  return AUDIT_CSV_COLUMNS.map((column) => csvField(values[column])).join(',')
}

/** The whole CSV document, header first, each line ending in `\n`. */
export async function* auditCsvLines(entries: AsyncIterable<AuditEntry>): AsyncIterable<string> {
  yield `${AUDIT_CSV_HEADER}\n`
  for await (const entry of entries) yield `${auditCsvRow(entry)}\n`
}
