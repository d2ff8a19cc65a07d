import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeApi, makeApproval, type FakeApi } from './__tests__/fixtures.ts'
import { ApiError, ApiErrorCode } from './api/client.ts'
import { App } from './app.tsx'

beforeEach(() => {
  window.location.hash = '#/approvals'
  localStorage.clear()
  sessionStorage.clear()
})
afterEach(cleanup)

function renderApp(api: FakeApi) {
  return render(<App makeClient={() => api} queueOptions={{ pollMs: 5, streamRetryMs: 1_000 }} />)
}

describe('App: approvals console', () => {
  it('shows an empty state, then a card the moment the stream announces it, with a badge in title and nav', async () => {
    const api = createFakeApi()
    renderApp(api)
    await screen.findByText(/no pending approvals/i)
    expect(document.title).toBe('permit0')
    await waitFor(() => expect(api.stream.opened).toBe(1))
    const approval = makeApproval()
    act(() => api.stream.emit({ type: 'approval.created', approval }))
    expect(await screen.findByText('alice@external.example')).toBeTruthy()
    expect(document.title).toBe('(1) permit0 approvals')
    expect(screen.getByLabelText('1 pending')).toBeTruthy()
    act(() =>
      api.stream.emit({
        type: 'approval.resolved',
        approval_id: approval.approval_id,
        resolution: { status: 'expired', resolved_at: '2026-05-24T10:05:00.000Z' },
      }),
    )
    expect(await screen.findByText(/timed out/i)).toBeTruthy()
    expect(screen.queryByText('alice@external.example')).toBeNull()
    expect(document.title).toBe('permit0')
  })

  it('asks the reviewer name once, then Allow decides with it and the card leaves with a note', async () => {
    const api = createFakeApi()
    api.approvals = [makeApproval()]
    renderApp(api)
    const nameForm = await screen.findByRole('form', { name: 'reviewer name' })
    expect(screen.queryByRole('button', { name: /allow/i })).toBeNull()
    await userEvent.type(within(nameForm).getByRole('textbox'), 'Ana')
    await userEvent.click(within(nameForm).getByRole('button'))
    expect(localStorage.getItem('permit0.reviewer')).toBe('Ana')
    await userEvent.type(screen.getByLabelText(/reason/i), 'expected mail')
    await userEvent.click(screen.getByRole('button', { name: /allow/i }))
    expect(await screen.findByText(/Allowed by Ana \(“expected mail”\)/)).toBeTruthy()
    expect(api.calls.find((c) => c.method === 'decide')?.args[0]).toEqual({
      approval_id: expect.any(String),
      permission: 'allow',
      reviewer: 'Ana',
      reason: 'expected mail',
    })
    expect(screen.getByText(/no pending approvals/i)).toBeTruthy()
  })

  it('falls back to polling when the stream is unavailable and notices cards that left', async () => {
    const api = createFakeApi({ streamMode: 'down' })
    const approval = makeApproval()
    api.approvals = [approval]
    renderApp(api)
    expect(await screen.findByText('alice@external.example')).toBeTruthy()
    await waitFor(() => expect(document.querySelector('[data-connection="polling"]')).toBeTruthy())
    api.approvals = []
    api.getApproval = async () => ({
      ...approval,
      status: 'decided',
      resolution: { status: 'decided', permission: 'deny', reviewer: 'Bo', resolved_at: '2026-05-24T10:02:00.000Z' },
    })
    expect(await screen.findByText(/Denied by Bo/)).toBeTruthy()
    const fresh = makeApproval({ action_type: 'payments.transfer', domain: 'payments', verb: 'transfer' })
    api.approvals = [fresh]
    expect(await screen.findByRole('article', { name: 'payments.transfer' })).toBeTruthy()
  })

  it('tells an agent token it cannot use the console and offers to sign out', async () => {
    const api = createFakeApi()
    api.whoami = async () => ({ role: 'agent', name: 'claude-code', auth: true })
    sessionStorage.setItem('permit0.token', 'p0_agent')
    renderApp(api)
    expect(await screen.findByText(/this is an agent token/i)).toBeTruthy()
    expect(screen.queryByText(/no pending approvals/i)).toBeNull()
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    expect(sessionStorage.getItem('permit0.token')).toBeNull()
  })

  it('hides decision buttons from a viewer token', async () => {
    const api = createFakeApi()
    api.whoami = async () => ({ role: 'viewer', name: 'Val', auth: true })
    api.approvals = [makeApproval()]
    renderApp(api)
    await screen.findByText('alice@external.example')
    expect(await screen.findByText(/can view approvals but not decide/i)).toBeTruthy()
    expect(screen.queryByRole('button', { name: /allow/i })).toBeNull()
    expect(screen.getByText('Val · viewer')).toBeTruthy()
  })

  it('shows the sign-in form on 401 and retries with the token kept in sessionStorage', async () => {
    const api = createFakeApi()
    let token: string | undefined
    api.whoami = async () => {
      if (token !== 'good') {
        onUnauthorized()
        throw new ApiError(ApiErrorCode.Unauthorized, 'Sign in')
      }
      return { role: 'approver', name: 'Ana', auth: true }
    }
    let onUnauthorized = () => {}
    render(
      <App
        makeClient={(opts) => {
          onUnauthorized = opts.onUnauthorized
          return { ...api, whoami: () => ((token = opts.getToken()), api.whoami()) }
        }}
      />,
    )
    const form = await screen.findByRole('form', { name: 'sign in' })
    await userEvent.type(within(form).getByLabelText(/api token/i), 'good')
    await userEvent.click(within(form).getByRole('button', { name: /sign in/i }))
    expect(sessionStorage.getItem('permit0.token')).toBe('good')
    expect(await screen.findByText('Ana · approver')).toBeTruthy()
    expect(screen.getByText('reviewer: Ana')).toBeTruthy()
  })
})
