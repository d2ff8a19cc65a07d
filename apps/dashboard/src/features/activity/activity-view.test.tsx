import { cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakeApi, makeAuditEntry } from '../../__tests__/fixtures.ts'
import { ActivityView } from './activity-view.tsx'

afterEach(cleanup)

describe('ActivityView', () => {
  it('pages with the cursor without repeating rows and expands a row to the full entry', async () => {
    const api = createFakeApi({
      auditPages: {
        '': { entries: [makeAuditEntry(3), makeAuditEntry(2)], next_cursor: 'c2' },
        c2: { entries: [makeAuditEntry(2), makeAuditEntry(1, { permission: 'deny', reason: 'nope' })] },
      },
    })
    render(<ActivityView api={api} />)
    await screen.findByText('✓ Chain verified (3 entries)')
    expect(await screen.findAllByText('email.read')).toHaveLength(2)
    await userEvent.click(screen.getByRole('button', { name: /load older/i }))
    await waitFor(() => expect(screen.getAllByText('email.read')).toHaveLength(3))
    expect(screen.queryByRole('button', { name: /load older/i })).toBeNull()
    expect(api.calls.filter((c) => c.method === 'listAudit').map((c) => (c.args[0] as { cursor?: string }).cursor)).toEqual([
      undefined,
      'c2',
    ])
    await userEvent.click(screen.getAllByText('email.read')[2] as HTMLElement)
    expect(screen.getByText('Reason: nope')).toBeTruthy()
    expect(screen.getByText(/"entry_id": "entry-1"/)).toBeTruthy()
  })

  it('sends the filters, including HITL vs bypass and the verdict source', async () => {
    const api = createFakeApi()
    render(<ActivityView api={api} />)
    await screen.findByText(/no audit entries match/i)
    await userEvent.type(screen.getByLabelText('Action type'), 'email.')
    await userEvent.selectOptions(screen.getByLabelText('Permission'), 'bypass')
    await userEvent.selectOptions(screen.getByLabelText('Verdict source'), 'HumanReviewer')
    await userEvent.type(screen.getByLabelText('Session'), 's-1')
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }))
    await waitFor(() =>
      expect(api.calls.filter((c) => c.method === 'listAudit').at(-1)?.args[0]).toEqual({
        limit: 50,
        action_type: 'email.',
        decision: 'bypass',
        source: 'HumanReviewer',
        session_id: 's-1',
      }),
    )
  })
})
