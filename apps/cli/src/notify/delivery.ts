import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Clock } from '@permit0/approvals'

/** A failed attempt; `retry: false` for answers that will not change (4xx, a refused token). */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError'
  constructor(
    message: string,
    readonly retry: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export interface RetryOptions {
  readonly attempts: number
  /** Delay before the second attempt; doubles each time. */
  readonly baseDelayMs: number
  readonly clock: Pick<Clock, 'setTimeout'>
}

/**
 * Runs `attempt` until it succeeds, fails for good (`DeliveryError` with `retry: false`), the
 * attempts run out or `signal` aborts (shutdown). Rejects with the last error, `attempts` set.
 */
export async function withRetries(
  attempt: (signal: AbortSignal) => Promise<void>,
  options: RetryOptions,
  signal: AbortSignal,
): Promise<void> {
  let last: unknown
  for (let i = 0; i < options.attempts; i++) {
    if (i > 0) await sleep(options.baseDelayMs * 2 ** (i - 1), options.clock, signal)
    if (signal.aborted) break
    try {
      await attempt(signal)
      return
    } catch (err) {
      last = err
      if (err instanceof DeliveryError && !err.retry) {
        throw Object.assign(err, { attempts: i + 1 })
      }
    }
  }
  const error = last instanceof Error ? last : new DeliveryError(signal.aborted ? 'aborted (server shutting down)' : String(last), false)
  throw Object.assign(error, { attempts: options.attempts })
}

function sleep(ms: number, clock: Pick<Clock, 'setTimeout'>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const cancel = clock.setTimeout(done, ms)
    function done(): void {
      cancel()
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

/** One notification that could not be delivered (no links, no arguments: they are capabilities). */
export interface DeadLetter {
  readonly at: string
  readonly channel: string
  readonly approvalId: string
  readonly attempts: number
  readonly error: string
}

export interface DeadLetterLog {
  add(letter: DeadLetter): void
  /** Oldest first. */
  entries(): readonly DeadLetter[]
}

/**
 * The last `max` undeliverable notifications, kept in memory and (with a path) rewritten as JSON
 * lines to a 0600 file, replaced atomically, so it never grows past `max` lines.
 */
export function createDeadLetterLog(options: { path?: string; max?: number; onError?: (err: unknown) => void }): DeadLetterLog {
  const max = Math.max(1, options.max ?? 100)
  const letters: DeadLetter[] = []
  return {
    add(letter) {
      letters.push(letter)
      if (letters.length > max) letters.splice(0, letters.length - max)
      if (options.path === undefined) return
      try {
        mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 })
        const tmp = `${options.path}.${process.pid}.tmp`
        writeFileSync(tmp, letters.map((l) => JSON.stringify(l)).join('\n') + '\n', { mode: 0o600 })
        chmodSync(tmp, 0o600)
        renameSync(tmp, options.path)
      } catch (err) {
        options.onError?.(err)
      }
    },
    entries: () => [...letters],
  }
}
