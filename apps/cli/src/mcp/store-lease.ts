/**
 * Shared use of the local store by short-lived holders. The embedded store takes an exclusive
 * lock on its data directory while open, and several processes want it: one `permit0 mcp` per
 * wrapped server, plus `permit0 approvals` deciding while a call is parked. So nobody keeps it:
 * a lease opens the store on first use, keeps it open while work is in flight and for a short
 * linger after, then closes it; a holder that finds it locked waits with backoff.
 */
import type { Store } from '@permit0/store'
import { StoreError, StoreErrorCode } from '@permit0/store'

export interface StoreLeaseOptions {
  readonly open: () => Promise<Store>
  /** Keep the store open this long after the last use (amortises bursts). Default 500 ms. */
  readonly lingerMs?: number
  /** Give up waiting for a locked data dir after this long. Default 20 000 ms. */
  readonly lockWaitMs?: number
  readonly sleep?: (ms: number) => Promise<void>
  readonly now?: () => number
}

export interface StoreLease {
  /** Runs `fn` with the store open (opening it, waiting for the lock, if needed). */
  use<T>(fn: (store: Store) => Promise<T>, options?: { readonly linger?: boolean }): Promise<T>
  close(): Promise<void>
}

const defaultSleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

/** Opens via `open`, retrying while another process holds the data-dir lock. */
export async function openWhenUnlocked(
  open: () => Promise<Store>,
  options: { readonly lockWaitMs?: number; readonly sleep?: (ms: number) => Promise<void>; readonly now?: () => number } = {},
): Promise<Store> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const deadline = now() + (options.lockWaitMs ?? 20_000)
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await open()
    } catch (err) {
      const locked = err instanceof StoreError && err.code === StoreErrorCode.DataDirLocked
      if (!locked || now() >= deadline) throw err
      // Jittered so two waiters do not retry in lockstep.
      await sleep(Math.min(50 * 2 ** Math.min(attempt, 3), 400) + Math.floor(Math.random() * 50))
    }
  }
}

export function createStoreLease(options: StoreLeaseOptions): StoreLease {
  const lingerMs = options.lingerMs ?? 500
  let store: Promise<Store> | undefined
  let users = 0
  let timer: NodeJS.Timeout | undefined
  let closing: Promise<void> = Promise.resolve()

  const release = async (): Promise<void> => {
    const current = store
    store = undefined
    if (current === undefined) return
    const opened = await current.catch(() => undefined)
    await opened?.close().catch(() => undefined)
  }

  return {
    async use(fn, useOptions = {}) {
      if (timer !== undefined) {
        clearTimeout(timer)
        timer = undefined
      }
      users += 1
      try {
        await closing
        store ??= openWhenUnlocked(options.open, options).catch((err: unknown) => {
          store = undefined
          throw err
        })
        return await fn(await store)
      } finally {
        users -= 1
        if (users === 0) {
          const linger = useOptions.linger === false ? 0 : lingerMs
          const closeNow = (): void => {
            timer = undefined
            if (users === 0) closing = release()
          }
          if (linger === 0) closeNow()
          else timer = setTimeout(closeNow, linger)
        }
      }
    },
    async close() {
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      await closing
      await release()
    },
  }
}
