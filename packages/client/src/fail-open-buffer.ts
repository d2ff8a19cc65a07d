import type { FailedOpenEvent } from '@permit0/contracts'

export interface FailOpenBufferStatus {
  readonly count: number
  /** Events dropped (oldest first) because the buffer was full, since the last successful drain. */
  readonly dropped: number
  readonly capacity: number
  /** `occurred_at` of the oldest event still buffered (the failed-open window), if any. */
  readonly windowStart?: string
  readonly windowEnd?: string
}

/**
 * Bounded FIFO of failed-open events. When full, the oldest event is dropped and counted, so a
 * long outage costs bounded memory and the replay still reports how much was lost.
 */
export interface FailOpenBuffer {
  push(event: FailedOpenEvent): void
  /** The oldest `max` events, without removing them. */
  peek(max: number): FailedOpenEvent[]
  /** Removes the given events (by id) after the daemon stored them. */
  remove(ids: ReadonlySet<string>): void
  /** Subtracts `n` from the dropped counter once the daemon has recorded it. */
  ackDropped(n: number): void
  status(): FailOpenBufferStatus
  clear(): void
}

export function createFailOpenBuffer(capacity: number): FailOpenBuffer {
  if (!Number.isInteger(capacity) || capacity <= 0) {
    throw new RangeError(`fail-open buffer capacity must be a positive integer, got ${capacity}`)
  }
  let events: FailedOpenEvent[] = []
  let dropped = 0
  return {
    push(event) {
      events.push(event)
      if (events.length > capacity) {
        events.splice(0, events.length - capacity)
        dropped += 1
      }
    },
    peek: (max) => events.slice(0, max),
    remove(ids) {
      events = events.filter((e) => !ids.has(e.event_id))
    },
    ackDropped(n) {
      dropped = Math.max(0, dropped - n)
    },
    status() {
      const first = events[0]
      const last = events.at(-1)
      return {
        count: events.length,
        dropped,
        capacity,
        ...(first ? { windowStart: first.occurred_at } : {}),
        ...(last ? { windowEnd: last.occurred_at } : {}),
      }
    },
    clear() {
      events = []
      dropped = 0
    },
  }
}
