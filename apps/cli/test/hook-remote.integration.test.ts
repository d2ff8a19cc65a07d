import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HookOptions, runHook } from '../src/commands/hook.ts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, created, openEventStream } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'permit0-hook-remote-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Each call its own session unless named: the daemon keeps sessions, and an external send right
// after another send (which exposes data) in one session is denied by the session rules.
let sessions = 0
const event = (tool_name: string, tool_input: unknown, session_id = `cc-session-${++sessions}`) => ({
  session_id,
  cwd: '/home/dev/project',
  hook_event_name: 'PreToolUse',
  tool_name,
  tool_input,
})
const externalSend = event('gmail_send', { to: 'bob@external-partner.com', subject: 'Lunch', body: 'See you at noon' })

async function hook(options: HookOptions, stdin: unknown, configYaml?: string) {
  const out: string[] = []
  const err: string[] = []
  let configPath: string | undefined
  if (configYaml !== undefined) {
    configPath = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`)
    writeFileSync(configPath, configYaml)
  }
  const code = await runHook(
    { ...options, ...(configPath !== undefined && { config: configPath }) },
    {
      readStdin: async () => JSON.stringify(stdin),
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: {},
      homeDir: dir,
      nowMs: Date.now,
      ppid: 1,
      readFile: (p) => {
        try {
          return readFileSync(p, 'utf8')
        } catch {
          return undefined
        }
      },
      loadEngine: async () => {
        throw new Error('remote mode must not load an engine')
      },
    },
  )
  expect(out).toHaveLength(1)
  return { code, envelope: JSON.parse(out[0]!) as { hookSpecificOutput: Record<string, string> }, stderr: err.join('') }
}

describe('permit0 hook → real permit0 serve (no --ui)', { timeout: 60_000 }, () => {
  let server: ServerHandle
  beforeAll(async () => {
    // The org domain is the daemon's (the hook's org_domain counts only from an admin token).
    server = await startTestServer({ orgDomain: 'acme.com' })
  }, 60_000)
  afterAll(() => server?.close(), 60_000)

  it('allow, ask with the formatted reason, and no opinion for unclassified tools', async () => {
    const allow = await hook({ remote: server.url, orgDomain: 'acme.com' }, event('gmail_send', { to: 'ann@acme.com', subject: 'hi', body: 'lunch?' }))
    expect(allow.envelope).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow' } })

    const ask = await hook({ remote: server.url, orgDomain: 'acme.com' }, externalSend)
    expect(ask.envelope.hookSpecificOutput).toEqual({
      hookEventName: 'PreToolUse',
      permissionDecision: 'ask',
      permissionDecisionReason: expect.stringMatching(/^permit0: Sends an email to .+ \(outside acme\.com\).*\. risk \d+\/100 (MEDIUM|HIGH)\b/),
    })

    const unknown = await hook({ remote: server.url }, event('TotallyNewTool', { x: 1 }))
    expect(unknown.envelope).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse' } })
  })

  it('passes cwd and session_id to the daemon as metadata (they land in the audit log)', async () => {
    await hook({ remote: server.url, orgDomain: 'acme.com' }, event('gmail_read', { message_id: 'm-77' }, 'cc-audited'))
    const page = await call(server.url, 'GET', '/api/v1/audit?limit=50&session_id=cc-audited')
    expect(page.status).toBe(200)
    expect(page.body.entries.length).toBeGreaterThan(0)
    expect(page.body.entries.every((e: { session_id?: string }) => e.session_id === 'cc-audited')).toBe(true)
  })

  it('a 4xx from the daemon becomes a deny naming the status', async () => {
    const r = await hook({ remote: `${server.url}/api/v1/does-not-exist` }, externalSend)
    expect(r.envelope.hookSpecificOutput.permissionDecision).toBe('deny')
    expect(r.envelope.hookSpecificOutput.permissionDecisionReason).toContain('HTTP 404')
  })
})

describe('permit0 hook → real permit0 serve --ui (parked calls)', { timeout: 60_000 }, () => {
  let server: ServerHandle
  let events: Awaited<ReturnType<typeof openEventStream>>
  beforeAll(async () => {
    server = await startTestServer({ ui: true, orgDomain: 'acme.com' })
    events = await openEventStream(server.url)
  }, 60_000)
  afterAll(async () => {
    events?.close()
    await server?.close()
  }, 60_000)

  it.each([
    // By default (no hitl_routing configured) a --ui daemon parks the call on its dashboard.
    ['allow', { permissionDecision: 'allow', permissionDecisionReason: expect.stringContaining('approved by ann. Remembered for this exact call until') }, 'hitl_timeout_secs: 60\n'],
    ['deny', { permissionDecision: 'deny', permissionDecisionReason: expect.stringContaining('not this one') }, 'hitl_routing: ui-wait\nhitl_timeout_secs: 60\n'],
  ] as const)('a parked call decided %s through the API answers the hook', async (permission, expected, configYaml) => {
    const answer = hook({ remote: server.url, orgDomain: 'acme.com' }, event('gmail_send', { to: `x-${permission}@external-partner.com`, subject: 'Q', body: permission }, `cc-parked-${permission}`), configYaml)
    const parked = await events.next(created)
    if (parked.type !== 'approval.created') throw new Error('expected approval.created')
    expect(parked.approval.session_id).toBe(`cc-parked-${permission}`)
    const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', {
      approval_id: parked.approval.approval_id,
      permission,
      reviewer: 'ann',
      reason: 'not this one',
    })
    expect(decided.status).toBe(200)
    const r = await answer
    expect(r.code).toBe(0)
    expect(r.envelope.hookSpecificOutput).toEqual({ hookEventName: 'PreToolUse', ...expected })
  })

  it('hitl_routing: cc-prompt → the daemon answers human at once and Claude Code prompts natively (ask)', async () => {
    const r = await hook({ remote: server.url, orgDomain: 'acme.com' }, event('gmail_send', { to: 'native@external-partner.com', subject: 'Q', body: 'native' }), 'hitl_routing: cc-prompt\n')
    expect(r.envelope.hookSpecificOutput.permissionDecision).toBe('ask')
    expect((await call(server.url, 'GET', '/api/v1/approvals')).body.approvals).toEqual([])
  })

  it('no human decision within the budget → deny before the hook would be killed', async () => {
    const r = await hook({ remote: server.url, orgDomain: 'acme.com' }, event('gmail_send', { to: 'late@external-partner.com', subject: 'Q', body: 'late' }), 'hitl_timeout_secs: 1\n')
    expect(r.envelope.hookSpecificOutput.permissionDecision).toBe('deny')
    expect(r.envelope.hookSpecificOutput.permissionDecisionReason).toContain('HTTP 408')
  })
})
