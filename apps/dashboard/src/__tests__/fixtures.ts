import {
  ApprovalSummarySchema,
  AuditEntrySchema,
  type ApprovalEvent,
  type ApprovalSummary,
  type AuditEntry,
  type AuditPage,
} from '@permit0/contracts'
import type { ApiClient } from '../api/client.ts'

const HASH = 'ab'.repeat(32)
let counter = 0

/** A contract-valid approval; overrides are re-validated so fixtures never drift from the wire. */
export function makeApproval(overrides: Partial<ApprovalSummary> = {}): ApprovalSummary {
  counter += 1
  const id = `01J${String(counter).padStart(23, '0')}`
  return ApprovalSummarySchema.parse({
    approval_id: id,
    kind: 'hitl',
    status: 'pending',
    action_type: 'email.send',
    domain: 'email',
    verb: 'send',
    channel: 'gmail',
    tool_name: 'gmail_send',
    surface_tool: 'gmail_send',
    surface_command: '',
    norm_hash: HASH,
    score: 62,
    tier: 'HIGH',
    flags: ['EXPOSURE', 'GOVERNANCE'],
    parameters: { to: 'alice@external.example', subject: 'Quarterly numbers', body: 'Hi Alice', recipient_scope: 'external' },
    engine_permission: 'human',
    engine_source: 'Scorer',
    created_at: '2026-05-24T10:00:00.000Z',
    expires_at: '2026-05-24T10:05:00.000Z',
    ...overrides,
  })
}

export function makeAuditEntry(sequence: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return AuditEntrySchema.parse({
    entry_id: `entry-${sequence}`,
    sequence,
    timestamp: new Date(Date.UTC(2026, 4, 24, 10, 0, sequence)).toISOString(),
    kind: 'decision',
    permission: 'allow',
    source: 'Scorer',
    action_type: 'email.read',
    channel: 'gmail',
    norm_hash: HASH,
    score: 10,
    tier: 'LOW',
    flags: [],
    ...overrides,
  })
}

/** A controllable event stream for the fake client. */
export interface FakeStream {
  emit(event: ApprovalEvent): void
  fail(error: Error): void
  readonly opened: number
}

export interface FakeApi extends ApiClient {
  stream: FakeStream
  approvals: ApprovalSummary[]
  calls: { method: string; args: unknown[] }[]
}

/** An in-memory ApiClient; `streamMode: 'down'` makes the event stream fail at once. */
export function createFakeApi(options: { streamMode?: 'live' | 'down'; auditPages?: Record<string, AuditPage> } = {}): FakeApi {
  const calls: FakeApi['calls'] = []
  let emit: (event: ApprovalEvent) => void = () => {}
  let fail: (error: Error) => void = () => {}
  let opened = 0
  const record = (method: string, ...args: unknown[]) => calls.push({ method, args })
  const api: FakeApi = {
    approvals: [],
    calls,
    stream: {
      emit: (event) => emit(event),
      fail: (error) => fail(error),
      get opened() {
        return opened
      },
    },
    health: async () => ({ ok: true, service: 'permit0', version: '0.1.0', mode: { ui: true, calibrate: false }, store: { ok: true } }),
    whoami: async () => ({ role: 'admin', auth: false }),
    listApprovals: async () => (record('listApprovals'), api.approvals.map((a) => ({ ...a }))),
    getApproval: async (id) => {
      record('getApproval', id)
      const found = api.approvals.find((a) => a.approval_id === id)
      if (!found) throw new Error('not found')
      return found
    },
    decide: async (body) => {
      record('decide', body)
      const resolution = {
        status: 'decided' as const,
        permission: body.permission as 'allow' | 'deny',
        ...(body.reviewer !== undefined && { reviewer: body.reviewer }),
        ...(body.reason !== undefined && { reason: body.reason }),
        resolved_at: '2026-05-24T10:01:00.000Z',
      }
      const remember =
        body.scope === 'once' ? { scope: 'once' as const, expires_at: null } : { scope: body.scope ?? ('call' as const), expires_at: '2026-05-24T11:01:00.000Z' }
      api.approvals = api.approvals.filter((a) => a.approval_id !== body.approval_id)
      return { approval_id: body.approval_id, resolution: { ...resolution, remember }, remember }
    },
    streamApprovals: (onEvent, { signal, onOpen }) =>
      new Promise<void>((resolve, reject) => {
        if (options.streamMode === 'down') return reject(new Error('stream unavailable'))
        opened += 1
        emit = onEvent
        fail = reject
        signal.addEventListener('abort', () => resolve(), { once: true })
        onOpen?.()
      }),
    listAudit: async (filters) => {
      record('listAudit', filters)
      return options.auditPages?.[filters.cursor ?? ''] ?? { entries: [] }
    },
    verifyAudit: async () => ({ ok: true, checked: 3 }),
    exportAudit: async () => new Blob(['{}\n']),
    stats: async () => ({
      total_decisions: 0,
      allow_count: 0,
      deny_count: 0,
      human_count: 0,
      fallback_count: 0,
      tier_distribution: {},
      pending_approvals: 0,
    }),
    listEntries: async (kind) => (record('listEntries', kind), []),
    addListEntry: async (kind, entry) => void record('addListEntry', kind, entry),
    removeListEntry: async (kind, hash) => void record('removeListEntry', kind, hash),
    packs: async () => [],
    validatePack: async (yaml) => (record('validatePack', yaml), { valid: false, errors: [{ path: 'normalizers[0]', message: 'missing id' }] }),
    calibrationStats: async () => ({ total: 0, matched: 0, overridden: 0, agreement_rate: null, by_reviewer: [], most_overridden_actions: [] }),
    calibrationRecords: async () => [],
  }
  return api
}
