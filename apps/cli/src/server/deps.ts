import type { ApprovalQueue, Clock } from '@permit0/approvals'
import type { PackInfo } from '@permit0/contracts'
import type { TokenRole } from '@permit0/domain'
import type { Store } from '@permit0/store'
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import type { AppEnv } from './env.ts'
import type { SessionStore } from '@permit0/engine'
import type { DecisionEngine, DecisionService, ServeMode } from './decision-service.ts'
import type { Metrics } from './metrics.ts'
import type { RememberPolicy } from './remember.ts'
import type { ReviewerAuth } from './reviewer-auth.ts'

/** A caller's role: the API token roles of `@permit0/domain`. */
export type Role = TokenRole

/** Token check; absent → no authentication (loopback development). */
export interface Authenticator {
  /** False while no API token exists (then every request acts as admin). Absent → always true. */
  required?(): Promise<boolean>
  verify(secret: string): Promise<{ name: string; role: Role } | undefined>
  /**
   * The local reviewer secret guarding every non-agent route while no API token exists. Absent →
   * such a daemon lets everyone act as admin (only tests and `createApp` callers that opt out).
   */
  readonly reviewer?: ReviewerAuth
}

/** Everything the HTTP app needs; built by `commands/serve.ts` (or a test). */
export interface AppDeps {
  readonly decisions: DecisionService
  /** The engine alone, for re-scoring failed-open replays (`POST /audit/replay`); absent → 503. */
  readonly engine?: DecisionEngine
  /** Session history the replayed events are decided with and recorded into (as on `/check`). */
  readonly sessions?: SessionStore
  /** The loaded packs (`GET /api/v1/packs`); absent → an empty list. */
  readonly packs?: readonly PackInfo[]
  /** Absent without `--ui`. */
  readonly queue?: ApprovalQueue
  /** The scopes a reviewer may choose on each approval (the same settings as the resolution effects). */
  readonly remember: RememberPolicy
  readonly store: Pick<Store, 'kind' | 'policy' | 'audit' | 'stats' | 'health'> & {
    readonly approvals: Pick<Store['approvals'], 'countPending'>
  }
  readonly clock: Clock
  readonly mode: ServeMode
  readonly metrics: Metrics
  readonly logger: Logger
  readonly version: string
  readonly bodyLimitBytes: number
  /** Built dashboard directory served at `/ui/` when `mode.ui`. */
  readonly uiDir?: string
  readonly auth?: Authenticator
  /**
   * Accept any `Host` header while no token exists. False (default) for a loopback bind: only
   * `localhost`/`127.x`/`[::1]` hosts are served then, which defeats DNS rebinding.
   */
  readonly anyHost?: boolean
  /** Aborted when the server shuts down (ends event streams). */
  readonly shutdown?: AbortSignal
  /**
   * Remote-approval routes mounted at `/notify` (signed links, Slack interactivity); they
   * authenticate by their own signatures, not by API token.
   */
  readonly notifyRoutes?: Hono<AppEnv>
  /** Keep-alive comment interval of the SSE stream. Default 15 s. */
  readonly sseHeartbeatMs?: number
}
