import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createGate, readPackFiles } from './gate.ts'

const PACKS = fileURLToPath(new URL('../../../packs', import.meta.url))

describe('embedded engine example', () => {
  it('decides in-process: allow internal, human external, deny exfiltration, then a cache hit', async () => {
    let now = 1_000
    const gate = await createGate({ packsDir: PACKS, orgDomain: 'acme.com', now: () => now })
    const internal = await gate.check('gmail_send', { to: 'ann@acme.com', subject: 'Lunch', body: 'Noon?' })
    expect(internal).toMatchObject({ permission: 'allow', source: 'Scorer', action: { actionType: 'email.send', channel: 'gmail' } })
    expect((await gate.check('gmail_send', { to: 'bob@partner.example', subject: 'Lunch', body: 'Noon?' })).permission).toBe('human')
    const deny = await gate.check('gmail_send', { to: 'eve@evil.example', subject: 'dump', body: 'the secret password list' })
    expect(deny.permission).toBe('deny')
    now += 1_000
    const again = await gate.check('gmail_send', { to: 'ann@acme.com', subject: 'Lunch', body: 'Noon?' })
    expect(again).toMatchObject({ permission: 'allow', source: 'PolicyCache' })
    expect(again.action.normHash).toBe(internal.action.normHash)
  })

  it('guard runs the function on allow only', async () => {
    const gate = await createGate({ packs: readPackFiles(PACKS), orgDomain: 'acme.com' })
    await expect(gate.guard('gmail_send', { to: 'ann@acme.com', subject: 'a', body: 'b' }, () => 'sent')).resolves.toBe('sent')
    let ran = false
    await expect(
      gate.guard('gmail_send', { to: 'eve@evil.example', subject: 'dump', body: 'the secret password list' }, () => {
        ran = true
      }),
    ).rejects.toThrow(/permit0 blocked gmail_send/)
    expect(ran).toBe(false)
  })

  it('the runnable script prints one verdict per call', () => {
    const out = execFileSync(process.execPath, ['--conditions=@permit0/source', '--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url)), PACKS], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    })
    expect(out.trim().split('\n')).toEqual([
      expect.stringMatching(/^gmail_send → allow via Scorer \(email\.send\)/),
      expect.stringMatching(/^gmail_send → human via Scorer/),
      expect.stringMatching(/^gmail_send → deny via Scorer/),
      expect.stringMatching(/^gmail_send → allow via PolicyCache/),
      'guarded internal send: sent',
    ])
  })
})
