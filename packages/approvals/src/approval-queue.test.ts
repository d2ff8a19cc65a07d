import { describe, expect, it } from 'vitest'
import type { NormAction } from '@permit0/engine'
import { createApprovalQueue, SHUTDOWN_REASON, type ApprovalQueueEvent, type OpenApproval } from './approval-queue.ts'
import { createManualClock, type ManualClock } from './clock.ts'
import { ApprovalError, ApprovalErrorCode } from './errors.ts'
import { createMemoryApprovalRepository } from './memory-repository.ts'
import type { ApprovalRecord, ApprovalRepository } from './repository.ts'

const action: NormAction = {
  actionType: 'email.send',
  domain: 'email',
  verb: 'send',
  channel: 'gmail',
  parameters: { to: 'bob@other.com' },
  execution: { surfaceTool: 'gmail_send', surfaceCommand: 'send to bob@other.com' },
  normHash: 'a'.repeat(64),
}

const input = (timeoutMs = 10_000): OpenApproval => ({
  kind: 'hitl',
  action,
  toolName: 'gmail_send',
  enginePermission: 'human',
  engineSource: 'Scorer',
  timeoutMs,
})

/** Lets pending promise callbacks run (no wall-clock wait). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

function setup(
  repository: ApprovalRepository = createMemoryApprovalRepository(),
  clock: ManualClock = createManualClock(1_000_000),
  replicaId = 'A',
  scanEvery = 1,
) {
  let n = 0
  const resolved: ApprovalRecord[] = []
  const events: ApprovalQueueEvent[] = []
  const queue = createApprovalQueue({
    repository,
    clock,
    replicaId,
    newId: () => `01J0000000000000000000${replicaId}${String(++n).padStart(3, '0')}`,
    pollIntervalMs: 1_000,
    scanEvery,
    onResolve: async (record) => {
      resolved.push(record)
    },
  })
  queue.subscribe((event) => events.push(event))
  return { queue, clock, repository, resolved, events }
}

async function firstPending(queue: ReturnType<typeof setup>['queue']): Promise<ApprovalRecord> {
  await flush()
  const [record] = await queue.listPending()
  if (record === undefined) throw new Error('nothing pending')
  return record
}

describe('createApprovalQueue', () => {
  it('parks until a human decides, then leaves the queue', async () => {
    const { queue, resolved, events } = setup()
    await queue.start()
    const outcome = queue.park(input())
    const pending = await firstPending(queue)
    expect(pending).toMatchObject({ status: 'pending', replicaId: 'A', expiresAtMs: 1_010_000 })
    expect(queue.parkedCount()).toBe(1)

    await queue.decide(pending.id, { permission: 'allow', reviewer: 'ann', reason: 'ok' })
    const record = await outcome
    expect(record.status).toBe('decided')
    expect(record.resolution).toMatchObject({ permission: 'allow', reviewer: 'ann', reason: 'ok' })
    expect(await queue.listPending()).toEqual([])
    expect(queue.parkedCount()).toBe(0)
    expect(resolved.map((r) => r.id)).toEqual([pending.id])
    expect(events.map((e) => e.type)).toEqual(['created', 'resolved'])
    await queue.close()
  })

  it('lets exactly one decision win: 409 with the existing resolution, 404 for unknown ids', async () => {
    const { queue } = setup()
    await queue.start()
    const outcome = queue.park(input())
    const pending = await firstPending(queue)
    await queue.decide(pending.id, { permission: 'deny', reviewer: 'ann' })
    const second = await queue.decide(pending.id, { permission: 'allow' }).catch((err: unknown) => err)
    expect(second).toBeInstanceOf(ApprovalError)
    expect((second as ApprovalError).code).toBe(ApprovalErrorCode.Conflict)
    expect(((second as ApprovalError).details.record as ApprovalRecord).resolution?.permission).toBe('deny')
    await expect(queue.decide('01J00000000000000000000000', { permission: 'allow' })).rejects.toMatchObject({
      code: ApprovalErrorCode.NotFound,
    })
    expect((await outcome).resolution?.permission).toBe('deny')
    await queue.close()
  })

  it('expires at the deadline of the injected clock', async () => {
    const { queue, clock, resolved } = setup()
    await queue.start()
    const outcome = queue.park(input(5_000))
    await firstPending(queue)
    clock.advance(4_999)
    await flush()
    expect(await queue.listPending()).toHaveLength(1)
    clock.advance(1)
    const record = await outcome
    expect(record.status).toBe('expired')
    expect(resolved).toHaveLength(1)
    expect(await queue.listPending()).toEqual([])
    await queue.close()
  })

  it('abandons the approval when the waiting client goes away', async () => {
    const { queue, resolved } = setup()
    await queue.start()
    const controller = new AbortController()
    const outcome = queue.park(input(), { signal: controller.signal })
    const pending = await firstPending(queue)
    controller.abort()
    const record = await outcome
    expect(record.status).toBe('abandoned')
    expect(resolved.map((r) => r.status)).toEqual(['abandoned'])
    await expect(queue.decide(pending.id, { permission: 'allow' })).rejects.toMatchObject({ code: ApprovalErrorCode.Conflict })
    await queue.close()
  })

  it.each([
    ['LISTEN/NOTIFY', true],
    ['the polling fallback', false],
  ])('wakes replica A when replica B decides (%s)', async (_name, notify) => {
    const repository = createMemoryApprovalRepository({ notify })
    const clock = createManualClock(1_000_000)
    const a = setup(repository, clock, 'A')
    const b = setup(repository, clock, 'B')
    await a.queue.start()
    await b.queue.start()
    let settled: ApprovalRecord | undefined
    void a.queue.park(input(60_000)).then((r) => (settled = r))
    const pending = await firstPending(b.queue)
    await b.queue.decide(pending.id, { permission: 'allow', reviewer: 'bob' })
    await flush()
    if (!notify) {
      expect(settled).toBeUndefined()
      clock.advance(1_000)
      await flush()
    }
    expect(settled?.resolution).toMatchObject({ permission: 'allow', reviewer: 'bob' })
    // the side effects ran once, on the replica that decided
    expect(a.resolved).toEqual([])
    expect(b.resolved).toHaveLength(1)
    await a.queue.close()
    await b.queue.close()
  })

  it('scans all pending rows only every `scanEvery` polls', async () => {
    const repository = createMemoryApprovalRepository({ notify: false })
    const clock = createManualClock(0)
    const a = setup(repository, clock, 'A', 3)
    const b = setup(repository, clock, 'B', 3)
    await a.queue.start()
    await b.queue.start()
    let settled: ApprovalRecord | undefined
    void a.queue.park(input(60_000)).then((r) => (settled = r))
    const pending = await firstPending(b.queue)
    await b.queue.decide(pending.id, { permission: 'allow' })
    for (let poll = 1; poll <= 2; poll++) {
      clock.advance(1_000)
      await flush()
      expect(settled).toBeUndefined()
    }
    clock.advance(1_000)
    await flush()
    expect(settled?.status).toBe('decided')
    await a.queue.close()
    await b.queue.close()
  })

  it('announces approvals created on another replica through the creation notification, once', async () => {
    const repository = createMemoryApprovalRepository()
    const clock = createManualClock(0)
    const a = setup(repository, clock, 'A')
    const b = setup(repository, clock, 'B')
    await a.queue.start()
    await b.queue.start()
    void a.queue.park(input(60_000))
    await flush() // no clock advance: no poll has run
    expect(b.events.map((e) => e.type)).toEqual(['created'])
    expect(a.events.map((e) => e.type)).toEqual(['created']) // its own echo is not announced twice
    clock.advance(1_000)
    await flush()
    expect(b.events.map((e) => e.type)).toEqual(['created']) // the poll does not repeat it
    await a.queue.close()
    await b.queue.close()
  })

  it('announces approvals created on another replica through the poll', async () => {
    const repository = createMemoryApprovalRepository({ notify: false })
    const clock = createManualClock(0)
    const a = setup(repository, clock, 'A')
    const b = setup(repository, clock, 'B')
    await a.queue.start()
    await b.queue.start()
    void a.queue.park(input(60_000))
    await flush()
    expect(b.events).toEqual([])
    clock.advance(1_000)
    await flush()
    expect(b.events.map((e) => e.type)).toEqual(['created'])
    await a.queue.close()
    await b.queue.close()
  })

  it('keeps pending approvals across a restart and expires them when due', async () => {
    const repository = createMemoryApprovalRepository()
    const clock = createManualClock(0)
    const before = setup(repository, createManualClock(0), 'old') // its timers die with it
    await before.queue.start()
    const opened = await before.queue.open(input(30_000)) // the process then dies without closing
    const after = setup(repository, clock, 'new')
    await after.queue.start()
    expect((await after.queue.listPending()).map((r) => r.id)).toEqual([opened.id])
    clock.advance(30_000)
    await flush()
    expect((await after.queue.get(opened.id))?.status).toBe('expired')
    expect(after.resolved.map((r) => r.id)).toEqual([opened.id])
    await after.queue.close()
  })

  it('still lets a human decide an approval whose replica restarted', async () => {
    const repository = createMemoryApprovalRepository()
    const clock = createManualClock(0)
    const before = setup(repository, clock, 'old')
    const opened = await before.queue.open(input(30_000))
    const after = setup(repository, clock, 'new')
    await after.queue.start()
    const record = await after.queue.decide(opened.id, { permission: 'deny' })
    expect(record.status).toBe('decided')
    await after.queue.close()
  })

  it('long-polls: a short wait reports pending, a later decide resolves the next wait', async () => {
    const { queue, clock } = setup()
    await queue.start()
    const opened = await queue.open(input(60_000))
    const first = queue.wait(opened.id, { timeoutMs: 2_000 })
    await flush()
    clock.advance(2_000)
    expect((await first).status).toBe('pending')
    const second = queue.wait(opened.id, { timeoutMs: 2_000 })
    await flush()
    await queue.decide(opened.id, { permission: 'allow' })
    expect(await second).toMatchObject({ status: 'resolved', record: { status: 'decided' } })
    expect(await queue.wait(opened.id)).toMatchObject({ status: 'resolved' })
    await expect(queue.wait('01J00000000000000000000000')).rejects.toMatchObject({ code: ApprovalErrorCode.NotFound })
    await queue.close()
  })

  it('a long-poll that disconnects does not abandon the approval', async () => {
    const { queue } = setup()
    await queue.start()
    const opened = await queue.open(input(60_000))
    const controller = new AbortController()
    const waiting = queue.wait(opened.id, { signal: controller.signal })
    await flush()
    controller.abort()
    expect((await waiting).status).toBe('pending')
    expect((await queue.get(opened.id))?.status).toBe('pending')
    await queue.close()
  })

  it('a decide after the deadline (before any sweep) gets 409 expired', async () => {
    const { queue, clock } = setup()
    const opened = await queue.open(input(1_000))
    clock.now = () => opened.expiresAtMs // time passed, timers have not fired yet
    const err = await queue.decide(opened.id, { permission: 'allow' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: ApprovalErrorCode.Conflict })
    expect(((err as ApprovalError).details.record as ApprovalRecord).status).toBe('expired')
  })

  it('answers parked requests as abandoned on shutdown', async () => {
    const { queue } = setup()
    await queue.start()
    const outcome = queue.park(input())
    await firstPending(queue)
    await queue.close()
    const record = await outcome
    expect(record).toMatchObject({ status: 'abandoned', resolution: { reason: SHUTDOWN_REASON } })
    await expect(queue.open(input())).rejects.toMatchObject({ code: ApprovalErrorCode.Closed })
  })
})
