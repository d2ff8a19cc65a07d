import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runHook } from '../src/commands/hook.ts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { decideNextParked, openEventStream } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'permit0-hook-http-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Each scenario its own session: the daemon keeps sessions, and an external send right after
// another send (which exposes data) in one session is denied by the session rules.
let sessions = 0
const event = (tool_name: string, tool_input: unknown, session_id = `cc-http-${++sessions}`) => ({
  session_id,
  cwd: '/home/dev/project',
  hook_event_name: 'PreToolUse',
  tool_name,
  tool_input,
})

/** Claude Code's http hook: POST the hook JSON, read the hook JSON back. */
async function httpHook(url: string, body: unknown, init: { raw?: string; contentType?: string; query?: string } = {}) {
  const res = await fetch(`${url}/api/v1/hooks/claude-code${init.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': init.contentType ?? 'application/json' },
    body: init.raw ?? JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as { hookSpecificOutput?: Record<string, string> } }
}

/** The command hook in remote mode against the same daemon (what the http hook must agree with). */
async function commandHook(url: string, stdin: unknown): Promise<unknown> {
  const out: string[] = []
  await runHook({ remote: url, orgDomain: 'acme.com' }, {
    readStdin: async () => JSON.stringify(stdin),
    stdout: (t) => out.push(t),
    stderr: () => undefined,
    env: {},
    homeDir: dir,
    nowMs: Date.now,
    ppid: 1,
    readFile: () => undefined,
    loadEngine: async () => {
      throw new Error('remote mode must not load an engine')
    },
  })
  return JSON.parse(out[0]!)
}

describe('POST /api/v1/hooks/claude-code (no --ui)', { timeout: 60_000 }, () => {
  let server: ServerHandle
  beforeAll(async () => {
    server = await startTestServer({ orgDomain: 'acme.com' })
  }, 60_000)
  afterAll(() => server?.close(), 60_000)

  it.each([
    ['an internal send (allow)', event('gmail_send', { to: 'ann@acme.com', subject: 'hi', body: 'lunch?' }), 'allow'],
    ['an external send (ask with the reason)', event('gmail_send', { to: 'bob@external-partner.com', subject: 'Q', body: 'noon' }), 'ask'],
    ['a tool no pack knows (no opinion)', event('TotallyNewTool', { x: 1 }), undefined],
  ] as const)('answers %s exactly as the command hook does', async (_what, ev, decision) => {
    const viaHttp = await httpHook(server.url, ev)
    expect(viaHttp.status).toBe(200)
    expect(viaHttp.body.hookSpecificOutput?.permissionDecision).toBe(decision)
    // the same call in a session of its own (in one session the second send would follow the first)
    expect(viaHttp.body).toEqual(await commandHook(server.url, { ...ev, session_id: `${ev.session_id}-command` }))
  })

  it('?unknown=deny denies unclassified calls with the reason, like --unknown deny', async () => {
    const r = await httpHook(server.url, event('TotallyNewTool', { x: 1 }), { query: '?unknown=deny' })
    expect(r.body.hookSpecificOutput).toEqual({
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: 'permit0: unknown action denied by --unknown deny policy',
    })
  })

  it.each([
    ['a body that is not JSON', { raw: '{"tool_name": "Bash", ' }, /not valid JSON/],
    ['a body without tool_name', { raw: JSON.stringify({ tool_input: { command: 'ls' } }) }, /tool_name: required/],
    ['a JSON array', { raw: '[1,2]' }, /invalid/],
    ['a non-JSON content type', { raw: 'tool_name=Bash', contentType: 'text/plain' }, /Content-Type: application\/json/],
    ['a bad unknown policy', { raw: JSON.stringify(event('Bash', { command: 'ls' })), query: '?unknown=maybe' }, /unknown=maybe/],
    ['a NUL character in the tool input', { raw: JSON.stringify(event('Bash', { command: 'ls\u0000' })) }, /NUL/],
  ] as const)('%s → 200 deny with the reason (never a non-2xx, which Claude Code would ignore)', async (_what, init, reason) => {
    const r = await httpHook(server.url, undefined, init)
    expect(r.status).toBe(200)
    expect(r.body.hookSpecificOutput?.permissionDecision).toBe('deny')
    expect(r.body.hookSpecificOutput?.permissionDecisionReason).toMatch(reason)
  })

  it('events other than PreToolUse get no opinion', async () => {
    const r = await httpHook(server.url, { ...event('Bash', { command: 'ls' }), hook_event_name: 'PostToolUse' })
    expect(r).toEqual({ status: 200, body: {} })
  })
})

describe('POST /api/v1/hooks/claude-code against serve --ui (parked calls)', { timeout: 60_000 }, () => {
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
    ['allow', { permissionDecision: 'allow', permissionDecisionReason: expect.stringContaining('Remembered for this exact call until') }],
    ['deny', { permissionDecision: 'deny', permissionDecisionReason: expect.stringContaining('not this one') }],
  ] as const)('holds the request until a person decides %s', async (permission, expected) => {
    const answer = httpHook(server.url, event('gmail_send', { to: `h-${permission}@external-partner.com`, subject: 'Q', body: permission }, `cc-http-parked-${permission}`))
    await decideNextParked(server.url, events, permission, `cc-http-parked-${permission}`)
    const r = await answer
    expect(r.status).toBe(200)
    expect(r.body.hookSpecificOutput).toEqual({ hookEventName: 'PreToolUse', ...expected })
  })
})
