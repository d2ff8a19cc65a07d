/** Time source of the approvals queue. Injected so tests never sleep. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Runs `fn` after `ms` milliseconds; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void
}

/** The wall clock. Timers are unref'd so a parked request never keeps a process alive alone. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = globalThis.setTimeout(fn, Math.max(0, ms))
    ;(handle as { unref?: () => void }).unref?.()
    return () => globalThis.clearTimeout(handle)
  },
}

/** A clock that only moves when told to (tests). */
export interface ManualClock extends Clock {
  /** Moves time forward and fires every timer that falls due, in order. */
  advance(ms: number): void
  /** Number of timers not yet fired or cancelled. */
  pendingTimers(): number
}

export function createManualClock(startMs = 0): ManualClock {
  let now = startMs
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return () => {
        timers.delete(id)
      }
    },
    advance(ms) {
      const target = now + ms
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined
        for (const entry of timers) {
          if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at)) next = entry
        }
        if (next === undefined) break
        timers.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
      }
      now = target
    },
    pendingTimers: () => timers.size,
  }
}
