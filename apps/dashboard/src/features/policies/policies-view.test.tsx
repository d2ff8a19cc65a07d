import { cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakeApi } from '../../__tests__/fixtures.ts'
import { PoliciesView } from './policies-view.tsx'

afterEach(cleanup)

describe('PoliciesView', () => {
  it('refuses a malformed norm hash before calling the server, and adds a valid one', async () => {
    const api = createFakeApi()
    render(<PoliciesView api={api} canManage />)
    await screen.findByText('The denylist is empty.')
    await userEvent.type(screen.getByLabelText('Norm hash'), 'abc')
    await userEvent.click(screen.getByRole('button', { name: 'Add' }))
    expect(screen.getByRole('alert').textContent).toMatch(/64 hexadecimal/)
    expect(api.calls.some((c) => c.method === 'addListEntry')).toBe(false)
    await userEvent.clear(screen.getByLabelText('Norm hash'))
    await userEvent.type(screen.getByLabelText('Norm hash'), 'AB'.repeat(32))
    await userEvent.type(screen.getByLabelText('Reason'), 'exfil')
    await userEvent.click(screen.getByRole('button', { name: 'Add' }))
    await waitFor(() =>
      expect(api.calls.find((c) => c.method === 'addListEntry')?.args).toEqual(['denylist', { norm_hash: 'ab'.repeat(32), reason: 'exfil' }]),
    )
  })

  it('shows the validation errors of pasted YAML; viewers get no add form', async () => {
    const api = createFakeApi()
    render(<PoliciesView api={api} canManage={false} />)
    expect(screen.queryByRole('form', { name: 'add to denylist' })).toBeNull()
    await userEvent.click(screen.getByRole('tab', { name: 'Validate YAML' }))
    await userEvent.type(screen.getByRole('textbox'), 'normalizers: nope')
    await userEvent.click(screen.getByRole('button', { name: 'Validate' }))
    expect((await screen.findByRole('alert')).textContent).toContain('normalizers[0] missing id')
  })
})
