import type { NormAction, RawToolCall, RiskScore } from '@permit0/engine'
import type { NewApproval, NewAuditEntry } from '../src/index.ts'

let counter = 0
/** A unique 64-hex hash per call (tests share one store, so keys must not collide). */
export function uniqueHash(): string {
  counter += 1
  return `${Date.now().toString(16)}${process.pid.toString(16)}${counter.toString(16)}`.padEnd(64, 'a').slice(0, 64)
}

export function action(overrides: Partial<NormAction> = {}): NormAction {
  return {
    actionType: 'email.send',
    domain: 'email',
    verb: 'send',
    channel: 'gmail',
    parameters: { recipient: 'bob@example.com', subject: 'hi', size: 1.5 },
    execution: { surfaceTool: 'gmail_send', surfaceCommand: 'send mail to bob@example.com' },
    normHash: uniqueHash(),
    ...overrides,
  }
}

export const RISK: RiskScore = { raw: 0.42, score: 42, tier: 'MEDIUM', flags: ['OUTBOUND'], blocked: false }

export function rawCall(overrides: Partial<RawToolCall> = {}): RawToolCall {
  return {
    toolName: 'gmail_send',
    parameters: { to: 'bob@example.com', body: 'hello', password: 'hunter2' },
    metadata: { session_id: 's-1' },
    ...overrides,
  }
}

export function auditInput(overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    kind: 'decision',
    decision: 'human',
    decisionSource: 'Scorer',
    action: action(),
    rawToolCall: rawCall(),
    risk: RISK,
    trace: [
      { stage: 'normalize', outcome: 'ok', detail: { action_type: 'email.send' } },
      { stage: 'risk_scoring', outcome: 'evaluated' },
    ],
    explanation: 'Sends an email to bob@partner.example (outside acme.com)',
    sessionId: 's-1',
    engineVersion: '0.1.0',
    ...overrides,
  }
}

export function newApproval(id: string, overrides: Partial<NewApproval> = {}): NewApproval {
  return {
    id,
    kind: 'hitl',
    action: action(),
    toolName: 'gmail_send',
    risk: RISK,
    enginePermission: 'human',
    engineSource: 'Scorer',
    sessionId: 's-1',
    context: { client_kind: 'claude-code' },
    createdAtMs: 1_000,
    expiresAtMs: 10_000_000_000_000,
    replicaId: 'replica-a',
    ...overrides,
  }
}
