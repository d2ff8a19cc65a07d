import type { ApprovalQueue } from '@permit0/approvals'
import type { Counter } from 'prom-client'
import type { Logger } from 'pino'
import type { DeadLetterLog } from './delivery.ts'
import { toNotice, type Notifier } from './notifier.ts'

export interface NotificationDispatcherOptions {
  readonly queue: ApprovalQueue
  /** Only approvals opened by this replica are announced (each is sent once, not once per replica). */
  readonly replicaId: string
  readonly notifiers: readonly Notifier[]
  readonly includeArguments: boolean
  /** `permit0_notifications_total{channel, outcome}`. */
  readonly counter: Counter<'channel' | 'outcome'>
  readonly deadLetters: DeadLetterLog
  readonly logger: Logger
}

export interface NotificationDispatcher {
  /** Stops listening, aborts sends in flight and waits for them to settle. */
  close(): Promise<void>
}

/**
 * Sends every approval this replica opens to every notifier, after the approval is stored and
 * off the request's path (`setImmediate`): a slow or failing channel never blocks, allows or
 * delays a decision. Failures are counted, logged and dead-lettered; the approval stays pending
 * for the dashboard and the other channels.
 */
export function createNotificationDispatcher(options: NotificationDispatcherOptions): NotificationDispatcher {
  const shutdown = new AbortController()
  const inFlight = new Set<Promise<void>>()
  const track = (work: Promise<void>): void => {
    inFlight.add(work)
    void work.finally(() => inFlight.delete(work))
  }

  const unsubscribe = options.queue.subscribe((event) => {
    const record = event.record
    if (shutdown.signal.aborted) return
    setImmediate(() => {
      if (shutdown.signal.aborted) return
      for (const notifier of options.notifiers) {
        if (event.type === 'created') {
          if (record.replicaId !== options.replicaId || record.status !== 'pending') continue
          const notice = toNotice(record, { includeArguments: options.includeArguments && notifier.channel !== 'email' })
          track(
            notifier.notify(notice, shutdown.signal).then(
              () => {
                options.counter.inc({ channel: notifier.channel, outcome: 'sent' })
              },
              (err: unknown) => {
                options.counter.inc({ channel: notifier.channel, outcome: 'failed' })
                const attempts = (err as { attempts?: number }).attempts ?? 1
                const message = err instanceof Error ? err.message : String(err)
                options.deadLetters.add({
                  at: new Date().toISOString(),
                  channel: notifier.channel,
                  approvalId: record.id,
                  attempts,
                  error: message,
                })
                options.logger.warn({ channel: notifier.channel, approvalId: record.id, attempts, error: message }, 'notification failed')
              },
            ),
          )
        } else if (notifier.resolved !== undefined) {
          track(
            notifier.resolved(record, shutdown.signal).catch((err: unknown) => {
              options.logger.warn({ channel: notifier.channel, approvalId: record.id, err }, 'notification update failed')
            }),
          )
        }
      }
    })
  })

  return {
    async close() {
      unsubscribe()
      shutdown.abort()
      await Promise.allSettled([...inFlight])
    },
  }
}
