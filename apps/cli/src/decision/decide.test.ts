import { describe, expect, it } from 'vitest'
import { createMemoryPolicyStore, Tier, type CheckOptions, type RawToolCall, type SessionContext, type SessionStore, type Verdict } from '@permit0/engine'
import { createDecider, DecisionErrorCode, sessionIdOf, type DecisionEngine } from './decide.ts'
import { createMemorySessionStore } from './memory-sessions.ts'

const verdictFor = (call: RawToolCall): Verdict => ({
  permission: 'allow',
  source: 'Scorer',
  action: {
    actionType: 'email.send',
    domain: 'email',
    verb: 'send',
    channel: 'gmail',
    parameters: { to: 'a@b.c' },
    execution: { surfaceTool: call.toolName, surfaceCommand: call.toolName },
    normHash: 'h'.repeat(64),
  },
  risk: { score: 10, tier: Tier.Low, flags: ['OUTBOUND'], blocked: false, raw: 0.1 } as unknown as NonNullable<Verdict['risk']>,
  trace: [],
})

/** An engine double that records what it was asked. */
function recordingEngine() {
  const seen: Array<{ call: RawToolCall; options: Omit<CheckOptions, 'session'> & { session?: SessionContext } }> = []
  const engine: DecisionEngine = {
    // Scores every call, so it reads the session as the engine does when it scores.
    check: async (call, options) => {
      const session = typeof options.session === 'function' ? await options.session() : options.session
      seen.push({ call, options: { ...options, ...(session === undefined ? { session: undefined } : { session }) } })
      return verdictFor(call)
    },
  }
  return { engine, seen }
}

const call = (metadata: Record<string, unknown> = {}): RawToolCall => ({
  toolName: 'mcp__gmail__gmail_send',
  parameters: { to: 'a@b.c' },
  metadata: metadata as RawToolCall['metadata'],
})

describe('the decision path', () => {
  it('loads the session, hands it to the engine with the task goal, strips the host prefix, then records the call', async () => {
    const { engine, seen } = recordingEngine()
    const sessions = createMemorySessionStore()
    const decider = createDecider({ engine, policy: createMemoryPolicyStore(), sessions, now: () => 5_000, orgDomain: 'acme.com' })
    await decider.decide({ call: call({ session_id: 's1', task_goal: 'triage' }), clientKind: 'claude-code' })
    await decider.decide({ call: call({ session_id: 's1' }), clientKind: 'claude-code' })
    expect(seen[0]?.call.toolName).toBe('gmail_send')
    expect(seen[0]?.options).toMatchObject({ nowMs: 5_000, orgDomain: 'acme.com', taskGoal: 'triage', session: { sessionId: 's1', records: [] } })
    expect(seen[1]?.options.session?.records).toEqual([
      { actionType: 'email.send', tier: 'LOW', flags: ['OUTBOUND'], atMs: 5_000, parameters: { to: 'a@b.c' }, permission: 'allow' },
    ])
    expect((await sessions.load('s1', 5_000)).records).toHaveLength(2)
  })

  it('a call without a session id gets no session and records nothing', async () => {
    const { engine, seen } = recordingEngine()
    const sessions = createMemorySessionStore()
    await createDecider({ engine, policy: createMemoryPolicyStore(), sessions, now: () => 1 }).decide({ call: call() })
    expect(seen[0]?.options.session).toBeUndefined()
  })

  it('a parked call (settle says record: false) is not recorded', async () => {
    const { engine } = recordingEngine()
    const sessions = createMemorySessionStore()
    const decider = createDecider({ engine, policy: createMemoryPolicyStore(), sessions, now: () => 1 })
    expect(await decider.decideAndSettle({ call: call({ session_id: 'p' }) }, async () => ({ result: 'parked', record: false }))).toBe('parked')
    expect((await sessions.load('p', 1)).records).toEqual([])
  })

  it('fails closed: a session store that cannot load or append fails the call', async () => {
    const { engine, seen } = recordingEngine()
    const broken = (what: 'load' | 'append'): SessionStore => {
      const ok = createMemorySessionStore()
      return { ...ok, [what]: async () => Promise.reject(new Error(`${what} down`)) }
    }
    const decide = (sessions: SessionStore) =>
      createDecider({ engine, policy: createMemoryPolicyStore(), sessions, now: () => 1 }).decide({ call: call({ session_id: 's' }) })
    await expect(decide(broken('load'))).rejects.toThrow('load down')
    expect(seen).toHaveLength(0) // never decided without its history
    await expect(decide(broken('append'))).rejects.toThrow('append down')
  })

  it('session ids: absent → none; a non-string, empty or over 256 characters → DecisionError naming metadata.session_id', () => {
    expect(sessionIdOf({})).toBeUndefined()
    expect(sessionIdOf({ session_id: 's'.repeat(256) })).toBe('s'.repeat(256))
    for (const bad of [1, null, '', 's'.repeat(257), ['a'], { a: 1 }, true]) {
      expect(() => sessionIdOf({ session_id: bad as never })).toThrow(expect.objectContaining({
        code: DecisionErrorCode.InvalidSessionId,
        message: expect.stringContaining('metadata.session_id'),
      }))
    }
  })
})
