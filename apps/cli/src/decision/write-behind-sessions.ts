/**
 * A session store whose appends leave the reply path (`serve`): a call's session record is
 * written after its answer is sent, in order per session. The session's next load waits for
 * those writes first, so on one replica a call always sees every earlier call of its session.
 * Fail closed: a record that could not be written fails that session's next call (once), and the
 * server flushes pending writes before it closes the store. Another replica may miss a record
 * still in flight (a millisecond after the answer; an agent's next call follows a model turn).
 */
import type { SessionContext, SessionRecord, SessionStore } from '@permit0/engine'

export interface WriteBehindSessionStore extends SessionStore {
  /** Waits for every pending write (before the store closes). */
  flush(): Promise<void>
}

export function createWriteBehindSessionStore(inner: SessionStore, onError: (err: unknown, sessionId: string) => void): WriteBehindSessionStore {
  const pending = new Map<string, Promise<void>>()
  const failed = new Map<string, unknown>()

  return {
    async load(sessionId: string, nowMs: number): Promise<SessionContext> {
      await pending.get(sessionId)
      if (failed.has(sessionId)) {
        const err = failed.get(sessionId)
        failed.delete(sessionId)
        throw new Error(`session ${sessionId}: the previous call's record could not be written (${err instanceof Error ? err.message : String(err)})`)
      }
      return inner.load(sessionId, nowMs)
    },
    append(sessionId: string, record: SessionRecord): Promise<void> {
      const previous = pending.get(sessionId) ?? Promise.resolve()
      const write: Promise<void> = previous
        .then(() => inner.append(sessionId, record))
        .catch((err: unknown) => {
          failed.set(sessionId, err)
          onError(err, sessionId)
        })
        .finally(() => {
          if (pending.get(sessionId) === write) pending.delete(sessionId)
        })
      pending.set(sessionId, write)
      return Promise.resolve()
    },
    prune: (nowMs) => inner.prune(nowMs),
    async flush() {
      await Promise.all([...pending.values()])
    },
  }
}
