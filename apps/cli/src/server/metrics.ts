import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface Metrics {
  readonly registry: Registry
  readonly decisions: Counter<'permission' | 'source' | 'tier'>
  readonly approvalWait: Histogram<'status'>
  readonly decideDuration: Histogram<'outcome'>
  readonly storeErrors: Counter<'operation'>
  readonly httpRequests: Counter<'method' | 'route' | 'status'>
  /** Approval notifications by channel (webhook, slack, email) and outcome (sent, failed). */
  readonly notifications: Counter<'channel' | 'outcome'>
}

/** A registry per app instance (tests run several servers in one process). */
export function createMetrics(options: { parked: () => number; pending?: () => Promise<number>; defaults?: boolean }): Metrics {
  const registry = new Registry()
  if (options.defaults === true) collectDefaultMetrics({ register: registry, prefix: 'permit0_' })
  const decisions = new Counter({
    name: 'permit0_decisions_total',
    help: 'Verdicts returned by /check and /check_action, by permission, source and tier',
    labelNames: ['permission', 'source', 'tier'] as const,
    registers: [registry],
  })
  new Gauge({
    name: 'permit0_parked_requests',
    help: 'Requests parked on this replica waiting for a human',
    registers: [registry],
    collect() {
      this.set(options.parked())
    },
  })
  if (options.pending !== undefined) {
    const pending = options.pending
    new Gauge({
      name: 'permit0_pending_approvals',
      help: 'Pending approvals in the store (all replicas)',
      registers: [registry],
      async collect() {
        this.set(await pending())
      },
    })
  }
  const approvalWait = new Histogram({
    name: 'permit0_approval_resolution_seconds',
    help: 'Time from parking to resolution (decided, expired, abandoned)',
    labelNames: ['status'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  })
  const decideDuration = new Histogram({
    name: 'permit0_decide_duration_seconds',
    help: 'Latency of POST /api/v1/approvals/decide',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  const storeErrors = new Counter({
    name: 'permit0_store_errors_total',
    help: 'Store operations that failed',
    labelNames: ['operation'] as const,
    registers: [registry],
  })
  const httpRequests = new Counter({
    name: 'permit0_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const notifications = new Counter({
    name: 'permit0_notifications_total',
    help: 'Approval notifications by channel and outcome (sent; failed after every retry)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  })
  return { registry, decisions, approvalWait, decideDuration, storeErrors, httpRequests, notifications }
}
