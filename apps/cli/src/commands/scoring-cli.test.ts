import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { runCalibrateDiff, runCalibrateValidate } from './calibrate/profile-commands.ts'
import { runCalibrateTest } from './calibrate/test.ts'
import { CHECK_EXIT, runCheck } from './check.ts'
import { runGateway } from './gateway.ts'

const REPO = resolve(import.meta.dirname, '../../../..')
const PACKS = join(REPO, 'packs')
const SHARED = '/work/shared/reference'
const REQUIRE_ALL = process.env['PERMIT0_REQUIRE_ALL'] === '1'
const haveShared = existsSync(join(SHARED, 'corpora/calibration'))

// Each command loads every shipped pack: seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 60_000 })

function capture() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    deps: { cwd: REPO, stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
  }
}

describe('permit0 check', () => {
  it.each([
    ['allow', { tool_name: 'gmail_send', parameters: { to: 'bob@acme.test', subject: 'hi', body: 'x' } }, CHECK_EXIT.allow],
    ['human', { tool_name: 'gmail_send', parameters: { to: 'eve@partner.example', subject: 'hi', body: 'x' } }, CHECK_EXIT.human],
    ['deny', { tool: 'outlook_set_forwarding', input: { forwarding_address: 'x@evil.example' } }, CHECK_EXIT.deny],
    ['unknown tool → human', { tool_name: 'gmail_summarize_inbox', parameters: {} }, CHECK_EXIT.human],
  ])('%s', async (_name, call, exit) => {
    const c = capture()
    const code = await runCheck({ input: JSON.stringify(call), packsDir: PACKS, orgDomain: 'acme.test', json: true }, c.deps)
    expect(c.err.join('')).not.toMatch(/\berror:/)
    expect(code).toBe(exit)
    const body = JSON.parse(c.out.join(''))
    expect(body.norm_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(body.trace[0]).toMatchObject({ stage: 'normalize', outcome: 'ok' })
  })

  it('refuses an invalid metadata.session_id with exit 3 naming it', async () => {
    const c = capture()
    const call = { tool_name: 'gmail_send', parameters: { to: 'bob@acme.test', subject: 'hi', body: 'x' }, metadata: { session_id: 'x'.repeat(257) } }
    expect(await runCheck({ input: JSON.stringify(call), packsDir: PACKS, orgDomain: 'acme.test' }, c.deps)).toBe(CHECK_EXIT.error)
    expect(c.err.join('')).toContain('invalid metadata.session_id: must be at most 256 characters')
  })

  it('prints the JSON fields the issue lists', async () => {
    const c = capture()
    await runCheck(
      {
        input: JSON.stringify({ tool_name: 'gmail_send', parameters: { to: 'eve@partner.example', subject: 's', body: 'b' } }),
        packsDir: PACKS,
        orgDomain: 'acme.test',
        json: true,
      },
      c.deps,
    )
    const body = JSON.parse(c.out.join(''))
    expect(Object.keys(body)).toEqual([
      'permission', 'source', 'action_type', 'channel', 'norm_hash', 'score', 'tier', 'blocked', 'flags', 'explanation', 'why', 'trace',
    ])
    expect(body).toMatchObject({ permission: 'human', source: 'Scorer', action_type: 'email.send', channel: 'gmail', tier: 'MEDIUM', blocked: false })
    expect(body.explanation).toBe('Sends an email to eve@partner.example (outside acme.test), subject "s"')
  })

  it.each([
    ['malformed JSON', '{"tool_name":', /malformed JSON/],
    ['missing tool name', '{"parameters":{}}', /tool_name \(or tool\) is required/],
    ['a JSON array', '[1, 2]', /invalid tool call at <root>/],
    ['metadata of the wrong type', '{"tool_name":"gmail_send","metadata":5}', /invalid tool call at metadata/],
  ])('exits 3 on %s', async (_name, input, message) => {
    const c = capture()
    expect(await runCheck({ input, packsDir: PACKS }, c.deps)).toBe(CHECK_EXIT.error)
    expect(c.err.join('')).toMatch(message)
    expect(c.out).toEqual([])
  })

  it('exits 3 on a bad profile and a missing packs dir', async () => {
    const call = JSON.stringify({ tool_name: 'gmail_read', parameters: { message_id: 'm' } })
    const c = capture()
    expect(await runCheck({ input: call, packsDir: PACKS, profile: 'nope' }, c.deps)).toBe(3)
    expect(c.err.join('')).toMatch(/--profile nope: no such file/)
    expect(await runCheck({ input: call, packsDir: '/nonexistent/packs' }, c.deps)).toBe(3)
  })

  it('applies a profile: fintech tier floors and healthtech email.send floor', async () => {
    const c = capture()
    const input = JSON.stringify({ tool_name: 'gmail_send', parameters: { to: 'bob@acme.test', subject: 'hi', body: 'x' } })
    expect(await runCheck({ input, packsDir: PACKS, orgDomain: 'acme.test' }, c.deps)).toBe(CHECK_EXIT.allow)
    expect(await runCheck({ input, packsDir: PACKS, orgDomain: 'acme.test', profile: 'healthtech' }, c.deps)).toBe(CHECK_EXIT.human)
  })
})

describe('permit0 calibrate', () => {
  it('validates our profiles and rejects a guardrail breach with exit 2', () => {
    const c = capture()
    expect(runCalibrateValidate({ profile: 'fintech' }, c.deps)).toBe(0)
    expect(runCalibrateValidate({ profile: 'healthtech' }, c.deps)).toBe(0)
    const dir = mkdtempSync(join(tmpdir(), 'permit0-profile-'))
    const bad = join(dir, 'loose.profile.yaml')
    writeFileSync(bad, 'id: loose\nrisk_weight_adjustments: { DESTRUCTION: 0.1 }\n')
    expect(runCalibrateValidate({ profile: bad }, c.deps)).toBe(2)
    expect(c.err.join('')).toMatch(/DESTRUCTION weight factor 0.1.* is outside the guardrail/)
  })

  it('diff lists shifted thresholds and extra block rules', () => {
    const c = capture()
    expect(runCalibrateDiff({ profile: 'fintech' }, c.deps)).toBe(0)
    const text = c.out.join('')
    expect(text).toMatch(/tier ceiling LOW: 0.35 → 0.31/)
    expect(text).toMatch(/block rule added: outbound_funds_untrusted_destination/)
  })

  it('reports failing cases and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-corpus-'))
    writeFileSync(join(dir, 'a.yaml'), 'name: wrong\ntool_name: gmail_read\nparameters: { message_id: m }\nexpected_tier: HIGH\n')
    writeFileSync(join(dir, 'b.yaml'), 'name: right\ntool_name: gmail_read\nparameters: { message_id: m }\nexpected_permission: allow\n')
    writeFileSync(join(dir, 'c.yaml'), 'tool_name: 5\n')
    const c = capture()
    expect(await runCalibrateTest({ corpus: dir, packsDir: PACKS }, c.deps)).toBe(1)
    const text = c.out.join('')
    expect(text).toMatch(/✗ wrong {2}MINIMAL\/ALLOW {2}— tier: expected HIGH, got MINIMAL/)
    expect(text).toMatch(/✓ right/)
    expect(text).toMatch(/✗ .*c\.yaml.*invalid case/)
    // Pack-local tests/shared cases under packs/ are run too, so only the shape is fixed here.
    const [, passed, failed, total] = /(\d+) passed, (\d+) failed, (\d+) total\n$/.exec(text) ?? []
    expect(Number(failed)).toBeGreaterThanOrEqual(2)
    expect(Number(passed) + Number(failed)).toBe(Number(total))
  })
})

describe.skipIf(!haveShared && !REQUIRE_ALL)('calibration conformance (reference corpus)', () => {
  it.each([
    ['the unchanged upstream pack', join(SHARED, 'packs')],
    ['our own packs', PACKS],
  ])('every case passes with %s', async (_name, packsDir) => {
    expect(haveShared, `${SHARED} is required when PERMIT0_REQUIRE_ALL=1`).toBe(true)
    const c = capture()
    const code = await runCalibrateTest(
      { corpus: join(SHARED, 'corpora/calibration'), packsDir, orgDomain: 'calibration.test' },
      c.deps,
    )
    const text = c.out.join('')
    expect(text).not.toMatch(/✗/)
    expect(text).toMatch(/^(\d+) passed, 0 failed, \1 total$/m)
    expect(Number(/(\d+) total/.exec(text)?.[1])).toBeGreaterThanOrEqual(18)
    expect(code).toBe(0)
  })
})

/** Runs `permit0 gateway` over JSON lines (strings pass through as they are) with org acme.test. */
async function gatewayLines(lines: readonly unknown[]): Promise<Array<Record<string, any>>> {
  const c = capture()
  let t = 1_700_000_000_000
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')
  const code = await runGateway(
    { packsDir: PACKS, orgDomain: 'acme.test' },
    { ...c.deps, input: Readable.from([`${text}\n`]), now: () => (t += 1000) },
  )
  expect(code).toBe(0)
  return c.out.join('').trim().split('\n').map((l) => JSON.parse(l))
}

describe('permit0 gateway', () => {
  it('answers one JSON line per input line with one shared cache and per-session history', async () => {
    const lines = [
      { tool: 'gmail_send', input: { to: 'bob@acme.test', subject: 'a', body: 'b' } },
      { tool: 'gmail_send', input: { to: 'bob@acme.test', subject: 'a', body: 'b' } },
      'not json',
      { tool_name: 'gmail_read', parameters: { message_id: 'm1' }, metadata: { session_id: 's1' } },
      { tool_name: 'gmail_send', parameters: { to: 'eve@x.example', subject: 'a', body: 'b' }, metadata: { session_id: 's1' } },
      { tool_name: 'gmail_send', parameters: { to: 'eve@x.example', subject: 'a', body: 'b' }, metadata: { session_id: 's2' } },
    ]
    const out = await gatewayLines(lines)
    expect(out.map((o) => o.source ?? o.error?.code)).toEqual([
      'Scorer', 'PolicyCache', 'INVALID_INPUT', 'Scorer', 'Scorer', 'Scorer',
    ])
    expect(out[2]).toMatchObject({ line: 3 })
    // Session s1 read a message (EXPOSURE) just before an external send: blocked.
    expect(out[4]).toMatchObject({ permission: 'deny', block_reason: 'Sensitive data read followed by external send in same session' })
    expect(out[5]).toMatchObject({ permission: 'human', tier: 'MEDIUM' })
  }, 60_000)
})

describe('permit0 gateway: read a secret, then mail it out', () => {
  it('blocks the send when the outside recipient hides in bcc or cc, and only in the session that read the secret', async () => {
    const read = (session: string) => ({ tool_name: 'Read', parameters: { file_path: '~/.aws/credentials' }, metadata: { session_id: session, cwd: '/home/dev/project' } })
    const send = (session: string, extra: Record<string, string>) => ({
      tool_name: 'gmail_send',
      parameters: { to: 'Bob <bob@ACME.TEST.>', subject: 'notes', body: 'see you', ...extra },
      metadata: { session_id: session },
    })
    const lines = [
      read('s1'),
      send('s1', { bcc: 'drop@exfil.example' }),
      read('s2'),
      send('s2', { cc: 'Partner <p@other.example>' }),
      read('s3'),
      send('s3', {}),
      send('s4', { bcc: 'drop@exfil.example' }),
    ]
    const out = await gatewayLines(lines)
    const reason = 'Sensitive data read followed by external send in same session'
    expect(out[0]).toMatchObject({ permission: 'human' })
    expect(out[1]).toMatchObject({ permission: 'deny', block_reason: reason })
    expect(out[3]).toMatchObject({ permission: 'deny', block_reason: reason })
    // an internal-only send after the read (a display name and trailing dot on an internal address) is not an exfiltration
    expect(out[5]?.block_reason).toBeUndefined()
    expect(out[5]?.permission).not.toBe('deny')
    // the same bcc send without a prior secret read is asked, not blocked
    expect(out[6]).toMatchObject({ permission: 'human' })
  }, 60_000)
})
