import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeApproval } from '../../__tests__/fixtures.ts'
import { ApprovalCard } from './approval-card.tsx'

afterEach(cleanup)
const NOW = Date.parse('2026-05-24T10:01:00.000Z')

describe('ApprovalCard', () => {
  it('shows tier, score, flags, the normalized action and every parameter as text', () => {
    const approval = makeApproval({
      parameters: { to: 'alice@external.example', body: '<img src=x onerror="alert(1)"><script>boom()</script>' },
    })
    const { container } = render(<ApprovalCard approval={approval} nowMs={NOW} canDecide onDecide={vi.fn()} />)
    expect(screen.getByText('HIGH')).toBeTruthy()
    expect(screen.getByText('score 62')).toBeTruthy()
    expect(screen.getByText('EXPOSURE')).toBeTruthy()
    expect(screen.getByText('ab'.repeat(32))).toBeTruthy()
    expect(screen.getAllByText('gmail_send', { selector: 'dd' })).toHaveLength(2)
    const params = within(screen.getByLabelText('parameters'))
    expect(params.getByText('alice@external.example')).toBeTruthy()
    // HTML in a parameter is shown verbatim, never parsed
    expect(params.getByText('<img src=x onerror="alert(1)"><script>boom()</script>')).toBeTruthy()
    expect(container.querySelector('script, img')).toBeNull()
  })

  it('collapses a long body and expands it on request', async () => {
    const body = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n')
    render(<ApprovalCard approval={makeApproval({ parameters: { body } })} nowMs={NOW} canDecide onDecide={vi.fn()} />)
    expect(screen.queryByText(/line 39/)).toBeNull()
    await userEvent.click(screen.getByRole('button', { name: /show all/i }))
    expect(screen.getByText(/line 39/)).toBeTruthy()
  })

  it('counts down to the timeout', () => {
    const { rerender } = render(<ApprovalCard approval={makeApproval()} nowMs={NOW} canDecide onDecide={vi.fn()} />)
    expect(screen.getByLabelText('time left').textContent).toBe('4:00 left')
    rerender(<ApprovalCard approval={makeApproval()} nowMs={NOW + 235_000} canDecide onDecide={vi.fn()} />)
    expect(screen.getByLabelText('time left').textContent).toBe('0:05 left')
    expect(screen.getByLabelText('time left').className).toContain('urgent')
  })

  it('never shows a second more than remains (the countdown ends at 0:00, not a second late)', () => {
    const { rerender } = render(<ApprovalCard approval={makeApproval()} nowMs={NOW + 500} canDecide onDecide={vi.fn()} />)
    expect(screen.getByLabelText('time left').textContent).toBe('3:59 left')
    rerender(<ApprovalCard approval={makeApproval()} nowMs={NOW + 239_500} canDecide onDecide={vi.fn()} />)
    expect(screen.getByLabelText('time left').textContent).toBe('0:00 left')
    rerender(<ApprovalCard approval={makeApproval()} nowMs={NOW + 240_000} canDecide onDecide={vi.fn()} />)
    expect(screen.getByLabelText('time left').textContent).toBe('timing out…')
  })

  it('Allow sends the typed reason; keyboard D denies the focused card', async () => {
    const onDecide = vi.fn(() => new Promise<void>(() => {}))
    render(<ApprovalCard approval={makeApproval()} nowMs={NOW} canDecide onDecide={onDecide} />)
    await userEvent.type(screen.getByLabelText(/reason/i), 'known partner')
    await userEvent.click(screen.getByRole('button', { name: /allow/i }))
    expect(onDecide).toHaveBeenCalledWith('allow', 'known partner')

    cleanup()
    const onDeny = vi.fn(async () => {})
    render(<ApprovalCard approval={makeApproval()} nowMs={NOW} canDecide onDecide={onDeny} />)
    screen.getByRole('article').focus()
    await userEvent.keyboard('r')
    expect(document.activeElement).toBe(screen.getByLabelText(/reason/i))
    await userEvent.keyboard('dd') // typed into the reason box: not a shortcut
    expect(onDeny).not.toHaveBeenCalled()
    screen.getByRole('article').focus()
    await userEvent.keyboard('d')
    expect(onDeny).toHaveBeenCalledWith('deny', 'dd')
  })

  it('offers the scopes with the default preselected, shows until when, and sends the chosen scope', async () => {
    const onDecide = vi.fn(async () => {})
    const approval = makeApproval({ session_id: 's-1', scope_options: { scopes: ['once', 'call', 'session'], default: 'call', remember_secs: 3_600 } })
    render(<ApprovalCard approval={approval} nowMs={NOW} canDecide onDecide={onDecide} />)
    const until = new Date(NOW + 3_600_000).toLocaleString()
    expect((screen.getByRole('radio', { name: 'This exact call' }) as HTMLInputElement).checked).toBe(true)
    expect(screen.getByLabelText('remembered until').textContent).toBe(`Remembered for this exact call until ${until}`)
    await userEvent.click(screen.getByRole('radio', { name: 'This exact call, this session only' }))
    expect(screen.getByLabelText('remembered until').textContent).toBe(`Remembered for this exact call in this session until ${until}`)
    await userEvent.click(screen.getByRole('radio', { name: 'Once' }))
    expect(screen.getByLabelText('remembered until').textContent).toMatch(/^Not remembered/)
    await userEvent.click(screen.getByRole('button', { name: /deny/i }))
    expect(onDecide).toHaveBeenCalledWith('deny', '', 'once')
  })

  it('hides the decision buttons from roles that cannot decide and shows decide errors', async () => {
    render(<ApprovalCard approval={makeApproval()} nowMs={NOW} canDecide={false} onDecide={vi.fn()} />)
    expect(screen.queryByRole('button', { name: /allow/i })).toBeNull()
    cleanup()
    render(<ApprovalCard approval={makeApproval()} nowMs={NOW} canDecide onDecide={() => Promise.reject(new Error('store down'))} />)
    await userEvent.click(screen.getByRole('button', { name: /deny/i }))
    expect((await screen.findByRole('alert')).textContent).toBe('store down')
    expect(screen.getByRole('button', { name: /deny/i }).hasAttribute('disabled')).toBe(false)
  })
})
