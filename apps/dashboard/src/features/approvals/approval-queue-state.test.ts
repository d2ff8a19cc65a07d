import { describe, expect, it } from 'vitest'
import { makeApproval } from '../../__tests__/fixtures.ts'
import { approvalQueueReducer, INITIAL_QUEUE_STATE } from './approval-queue-state.ts'

describe('approvalQueueReducer', () => {
  const older = makeApproval({ created_at: '2026-05-24T09:00:00.000Z' })
  const newer = makeApproval({ created_at: '2026-05-24T11:00:00.000Z' })

  it('keeps pending cards oldest first and ignores duplicates', () => {
    let s = approvalQueueReducer(INITIAL_QUEUE_STATE, { type: 'snapshot', approvals: [newer] })
    s = approvalQueueReducer(s, { type: 'approval.created', approval: older })
    s = approvalQueueReducer(s, { type: 'approval.created', approval: older })
    expect(s.pending.map((a) => a.approval_id)).toEqual([older.approval_id, newer.approval_id])
    expect(s.loaded).toBe(true)
  })

  it.each([
    [{ status: 'decided', permission: 'allow', reviewer: 'ana', reason: 'ok' }, 'allow', 'Allowed by ana (“ok”)'],
    [{ status: 'decided', permission: 'deny', reviewer: 'bo' }, 'deny', 'Denied by bo'],
    [{ status: 'expired' }, 'gone', 'Timed out: the agent was told the request timed out'],
    [{ status: 'abandoned' }, 'gone', 'Abandoned: the agent stopped waiting'],
  ] as const)('a %o resolution removes the card and leaves a note', (resolution, kind, note) => {
    let s = approvalQueueReducer(INITIAL_QUEUE_STATE, { type: 'snapshot', approvals: [older, newer] })
    s = approvalQueueReducer(s, {
      type: 'approval.resolved',
      approval_id: older.approval_id,
      resolution: { ...resolution, resolved_at: '2026-05-24T12:00:00.000Z' },
    })
    expect(s.pending.map((a) => a.approval_id)).toEqual([newer.approval_id])
    expect(s.departed[0]).toMatchObject({ kind, note, approval: { approval_id: older.approval_id } })
  })

  it('does not resurrect a departed card from a late snapshot or event', () => {
    let s = approvalQueueReducer(INITIAL_QUEUE_STATE, { type: 'snapshot', approvals: [older] })
    s = approvalQueueReducer(s, { type: 'left', approval_id: older.approval_id, note: 'Left the queue', atMs: 1 })
    s = approvalQueueReducer(s, { type: 'snapshot', approvals: [older] })
    s = approvalQueueReducer(s, { type: 'approval.created', approval: older })
    expect(s.pending).toEqual([])
    s = approvalQueueReducer(s, { type: 'dismiss', approval_id: older.approval_id })
    expect(s.departed).toEqual([])
  })
})
