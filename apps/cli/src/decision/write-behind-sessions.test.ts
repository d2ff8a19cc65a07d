import type { SessionRecord, SessionStore } from '@permit0/engine'
import { describe, expect, it } from 'vitest'
import { createMemorySessionStore } from './memory-sessions.ts'
import { createWriteBehindSessionStore } from './write-behind-sessions.ts'

const record = (atMs: number): SessionRecord => ({ actionType: 'email.send', tier: 'LOW', flags: [], atMs, parameters: {}, permission: 'allow' })

/** A store whose appends wait until released, and can be made to fail. */
function slowStore(inner: SessionStore) {
  const gates: Array<() => void> = []
  let fail: Error | undefined
  const store: SessionStore = {
    load: (id, now) => inner.load(id, now),
    append: async (id, r) => {
      await new Promise<void>((release) => gates.push(release))
      if (fail !== undefined) throw fail
      await inner.append(id, r)
    },
    prune: (now) => inner.prune(now),
  }
  return { store, release: () => gates.splice(0).forEach((g) => g()), failWith: (e: Error) => (fail = e), waiting: () => gates.length }
}

describe('write-behind session store', () => {
  it('answers the append at once, and the next load of that session sees every earlier record, in order', async () => {
    const slow = slowStore(createMemorySessionStore())
    const errors: unknown[] = []
    const sessions = createWriteBehindSessionStore(slow.store, (e) => errors.push(e))
    await sessions.append('s', record(1))
    await sessions.append('s', record(2))
    const loading = sessions.load('s', 10)
    let loaded = false
    void loading.then(() => (loaded = true))
    await new Promise((r) => setTimeout(r, 10))
    expect(loaded).toBe(false) // waits for the writes
    while (slow.waiting() > 0 || !loaded) {
      slow.release()
      await new Promise((r) => setTimeout(r, 1))
    }
    expect((await loading).records.map((r) => r.atMs)).toEqual([1, 2])
    expect(errors).toEqual([])
  })

  it('a record that could not be written fails the session’s next call once (fail closed), and is reported', async () => {
    const slow = slowStore(createMemorySessionStore())
    const errors: unknown[] = []
    const sessions = createWriteBehindSessionStore(slow.store, (e, id) => errors.push([id, (e as Error).message]))
    slow.failWith(new Error('disk full'))
    await sessions.append('s', record(1))
    slow.release()
    await sessions.flush()
    expect(errors).toEqual([['s', 'disk full']])
    await expect(sessions.load('s', 10)).rejects.toThrow(/previous call's record could not be written \(disk full\)/)
    expect((await sessions.load('s', 10)).records).toEqual([])
    expect((await sessions.load('other', 10)).records).toEqual([])
  })

  it('flush waits for every pending write', async () => {
    const inner = createMemorySessionStore()
    const slow = slowStore(inner)
    const sessions = createWriteBehindSessionStore(slow.store, () => undefined)
    await sessions.append('a', record(1))
    await sessions.append('b', record(2))
    const flushed = sessions.flush()
    slow.release()
    await flushed
    expect((await inner.load('a', 10)).records).toHaveLength(1)
    expect((await inner.load('b', 10)).records).toHaveLength(1)
  })
})
