import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import {
  createApprovalQueue,
  systemClock,
  type ApprovalQueue,
  type ApprovalRepository,
  type Clock,
} from '@permit0/approvals'
import { DEFAULT_CACHE_TTL_MS, initParsers, type Engine } from '@permit0/engine'
import { createStore, type Store } from '@permit0/store'
import { pino, type Logger } from 'pino'
import { ulid } from 'ulid'
import type { Config } from '../config/schema.ts'
import { ConfigError, ConfigErrorCode } from '../config/load.ts'
import { buildEngine as buildCliEngine, type BuiltEngine, EngineConfigError } from '../engine-factory.ts'
import { resolveNotifySettings, setupNotifications, type Notifications } from '../notify/setup.ts'
import { openStore, resolveDataDir } from '../store-options.ts'
import { shippedDashboardDir } from '../package-root.ts'
import { createApp } from './app.ts'
import { createTokenAuthenticator, isLoopbackHost } from './auth.ts'
import { createDecisionService, createResolutionEffects } from './decision-service.ts'
import { createRememberPolicy } from './remember.ts'
import { createWriteBehindSessionStore } from '../decision/write-behind-sessions.ts'
import { createMetrics } from './metrics.ts'
import { createShadowEvaluator } from './shadow.ts'
import { describePacks } from './packs-info.ts'
import { createCachedPolicyRepository } from './policy-cache.ts'
import { createReviewerAuth, loadOrCreateReviewerToken, LOGIN_PATH, REVIEWER_TOKEN_FILE, type ReviewerAuth } from './reviewer-auth.ts'

export const SERVER_VERSION = '0.1.0'
/** How often `serve` deletes session records older than the session TTL. */
export const SESSION_PRUNE_INTERVAL_MS = 3_600_000

/** The store's approvals satisfy the queue's port (compile-time check). */
const asRepository = (store: Store): ApprovalRepository => store.approvals

export interface StartServerOptions {
  readonly logger?: Logger
  readonly clock?: Clock
  /** Injected store (tests); else opened from the config and closed on shutdown. */
  readonly store?: Store
  /**
   * Open a throwaway in-memory embedded store (tests, benchmarks) instead of the persistent one
   * the config selects. Closed on shutdown.
   */
  readonly memoryStore?: boolean
  /** Environment for the store settings only config does not carry (`PERMIT0_AUDIT_DATABASE_URL`, …). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Home directory for the default data dir `~/.permit0/data`. */
  readonly homeDir?: string
  /** Told once when a new audit signing key was created. */
  readonly onKeyCreated?: (info: { path: string; publicKey: string }) => void
  /** Injected engine (tests); else built from the packs dir and profile. */
  readonly engine?: Engine
  readonly replicaId?: string
  readonly cwd?: string
  /**
   * Where the reviewer secret of a tokenless daemon lives. Default `<data dir>/reviewer-token`
   * for a persistent store (also with --database-url: the data dir then holds only secrets); an
   * injected or in-memory store gets an in-memory secret (read it from `ServerHandle.reviewerToken`).
   */
  readonly reviewerTokenPath?: string
}

export interface ServerHandle {
  readonly url: string
  readonly port: number
  readonly store: Store
  readonly queue?: ApprovalQueue
  readonly replicaId: string
  /** True when API tokens existed at startup (requests need a bearer token). */
  readonly authRequired: boolean
  /** Bound to a non-loopback address without tokens (`--insecure`). */
  readonly insecure: boolean
  /** Without API tokens: the local reviewer secret (deciding, reading and admin routes need it). */
  readonly reviewerToken?: string
  /** Where the reviewer secret is stored (absent when it is in memory only). */
  readonly reviewerTokenPath?: string
  /** Told once when the reviewer secret file was created. */
  readonly reviewerTokenCreated?: boolean
  /** With `--ui` but no built dashboard to serve at `/ui/`: why (the approvals queue still runs). */
  readonly dashboardMissing?: string
  /** With `--ui` and no API tokens: the one-time dashboard login link (valid 10 minutes). */
  readonly loginUrl?: string
  /** Stops accepting, answers parked requests, closes the store (when it opened it). Idempotent. */
  close(): Promise<void>
}

/**
 * Loads packs and the profile into an engine (the CLI's shared factory: native SHA-256, config
 * fingerprint over the pack files); invalid packs or profile fail naming file and path.
 */
export function buildEngine(config: Config, cwd: string): BuiltEngine {
  try {
    return buildCliEngine(
      {
        ...(config.packsDir !== undefined && { packsDir: config.packsDir }),
        ...(config.profile !== undefined && { profile: config.profile }),
        ...(config.orgDomain !== undefined && { orgDomain: config.orgDomain }),
      },
      { cwd },
    )
  } catch (err) {
    if (err instanceof EngineConfigError) throw new ConfigError(ConfigErrorCode.Invalid, err.message, { cause: err })
    throw err
  }
}

/** The store parts the HTTP app reads (the policy repository is replaced by the cached one). */
const pickStore = (store: Store) => ({
  kind: store.kind,
  audit: store.audit,
  stats: store.stats,
  health: () => store.health(),
  approvals: store.approvals,
})

/**
 * `serve` wiring: store → migrate → engine → cache reconciliation → approvals queue → app →
 * listen. Only this function (and the command around it) connects the packages.
 */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<ServerHandle> {
  await initParsers() // every entry point that builds an engine (idempotent; in-process servers too)
  const cwd = options.cwd ?? process.cwd()
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'permit0' } })
  const clock = options.clock ?? systemClock
  const replicaId = options.replicaId ?? ulid()
  const ownsStore = options.store === undefined
  const dataDir = resolveDataDir(
    { ...(config.dataDir !== undefined && { dataDir: config.dataDir }) },
    { env: options.env ?? {}, cwd, ...(options.homeDir !== undefined && { homeDir: options.homeDir }) },
  )
  // Checked before anything opens: a channel without its secret fails fast, naming the variable.
  const notifySettings = resolveNotifySettings(config, { dataDir })
  const built = options.engine === undefined ? buildEngine(config, cwd) : undefined
  const engine = options.engine ?? (built as BuiltEngine).engine
  // `--shadow`: the candidate policy, same profile and org domain, its packs root used alone.
  const shadowEngine =
    config.shadowPacksDir === undefined ? undefined : buildEngine({ ...config, packsDir: config.shadowPacksDir }, cwd).engine

  const store =
    options.store ??
    (options.memoryStore === true
      ? createStore({ kind: 'embedded' })
      : await openStore(
          {
            ...(config.dataDir !== undefined && { dataDir: config.dataDir }),
            ...(config.databaseUrl !== undefined && { databaseUrl: config.databaseUrl }),
            ...(config.auditKey !== undefined && { auditKey: config.auditKey }),
          },
          {
            env: options.env ?? {},
            cwd,
            // loadConfig has merged the config file's layer into `config` already.
            file: {},
            migrate: false,
            ...(options.homeDir !== undefined && { homeDir: options.homeDir }),
            ...(options.onKeyCreated !== undefined && { onKeyCreated: options.onKeyCreated }),
          },
        ))
  // Every replica hears every other one's list/cache writes and token revocations; the in-process
  // caches evict on them, and flush (and stand aside) while the notification connection is down.
  const policy = createCachedPolicyRepository(store.policy, { ttlMs: config.policyCacheTtlMs })
  let onTokenRevoked: (name: string) => void = () => undefined
  let onFeedStatus: (status: 'lost' | 'restored') => void = () => undefined
  let stopChanges: (() => Promise<void>) | undefined
  try {
    if (ownsStore) await store.migrate()
    stopChanges = await store.changes.subscribe(
      (change) => {
        if (change.kind === 'policy') policy.evict(change.normHash)
        else if (change.kind === 'token') onTokenRevoked(change.name)
      },
      (status) => {
        if (status === 'lost') policy.suspend()
        else policy.resume()
        onFeedStatus(status)
        logger.warn({ status }, status === 'lost' ? 'store notifications lost; caches bypassed until they are back' : 'store notifications restored')
      },
    )
    await policy.reconcileCache(engine.fingerprint)
  } catch (err) {
    await stopChanges?.().catch(() => undefined)
    if (ownsStore) await store.close().catch(() => undefined)
    throw err
  }

  const activeTokens = (await store.tokens.list()).filter((t) => t.revokedAtMs === undefined)
  const exposed = !isLoopbackHost(config.host)
  if (exposed && activeTokens.length === 0) {
    if (!config.insecure) {
      await stopChanges?.()
      if (ownsStore) await store.close()
      throw new ConfigError(
        ConfigErrorCode.Invalid,
        `refusing to bind ${config.host} without API tokens: create one with \`permit0 token create\`, bind 127.0.0.1, ` +
          'or pass --insecure to let anyone who can reach this address approve and manage',
      )
    }
    logger.warn({ host: config.host }, 'INSECURE: no API tokens; anyone who can reach this address is admin')
  }
  // Without API tokens, a local reviewer secret guards everything but the agent routes.
  let reviewer: ReviewerAuth | undefined
  let reviewerSecret: { token: string; created: boolean; path?: string } | undefined
  if (activeTokens.length === 0) {
    try {
      const path =
        options.reviewerTokenPath ??
        (options.store === undefined && options.memoryStore !== true
          ? resolve(
              resolveDataDir(
                { ...(config.dataDir !== undefined && { dataDir: config.dataDir }) },
                { env: options.env ?? {}, cwd, ...(options.homeDir !== undefined && { homeDir: options.homeDir }) },
              ),
              REVIEWER_TOKEN_FILE,
            )
          : undefined)
      reviewerSecret =
        path === undefined ? { token: randomBytes(32).toString('base64url'), created: false } : { ...loadOrCreateReviewerToken(path), path }
    } catch (err) {
      await stopChanges?.()
      if (ownsStore) await store.close()
      throw err
    }
    reviewer = createReviewerAuth({ token: reviewerSecret.token, clock, ...(reviewerSecret.path !== undefined && { tokenPath: reviewerSecret.path }) })
  }
  // Always installed: off while no token exists, on from the first token (even one created later).
  const auth = Object.assign(
    createTokenAuthenticator({ tokens: store.tokens, clock, required: activeTokens.length > 0, cacheTtlMs: config.tokenCacheTtlMs }),
    reviewer !== undefined ? { reviewer } : {},
  )
  onTokenRevoked = (name) => auth.revoked(name)
  onFeedStatus = (status) => (status === 'lost' ? auth.suspend() : auth.resume())

  const humanCache = {
    enabled: config.cacheHumanVerdicts,
    ttlMs: DEFAULT_CACHE_TTL_MS,
    fingerprint: engine.fingerprint,
  }
  const shadow = shadowEngine === undefined ? undefined : createShadowEvaluator(shadowEngine, policy)
  const remember = createRememberPolicy(humanCache)
  // Session records are written after each answer, in order per session (write-behind-sessions.ts).
  const sessions = createWriteBehindSessionStore(store.sessions, (err, sessionId) => {
    metrics.storeErrors.inc({ operation: 'sessions' })
    logger.error({ err, sessionId }, 'writing a session record failed: the session fails its next call')
  })
  let queue: ApprovalQueue | undefined
  const metrics = createMetrics({
    parked: () => queue?.parkedCount() ?? 0,
    pending: () => store.approvals.countPending(),
    defaults: true,
  })
  if (config.ui) {
    queue = createApprovalQueue({
      repository: asRepository(store),
      clock,
      replicaId,
      newId: () => ulid(),
      pollIntervalMs: config.approvalPollMs,
      onResolve: createResolutionEffects({
        audit: store.audit,
        policy,
        sessions,
        clock,
        humanCache,
        metrics,
        ...(shadow !== undefined && { shadow }),
        ...(config.orgDomain !== undefined && { orgDomain: config.orgDomain }),
      }),
      onError: (err, context) => {
        metrics.storeErrors.inc({ operation: 'approvals' })
        logger.error({ err, context }, 'approvals queue error')
      },
    })
    await queue.start()
  }

  // Remote approvals (webhook, Slack, email): public routes authenticated by their own signatures.
  let boundUrl = ''
  let notifications: Notifications | undefined
  const shutdown = new AbortController()
  if (notifySettings !== undefined) {
    notifications = setupNotifications(config, notifySettings, {
      queue,
      nonces: store.linkNonces,
      clock,
      logger,
      metrics,
      replicaId,
      dataDir,
      publicUrl: () => config.publicUrl ?? boundUrl,
      shutdown: shutdown.signal,
      remember,
    })
  }

  // Expired session rows (older than SESSION_TTL_MS) are ignored on read; pruned at start and hourly.
  const pruneSessions = (): void => {
    store.sessions.prune(clock.now()).catch((err: unknown) => logger.warn({ err }, 'pruning expired session records failed'))
  }
  pruneSessions()
  const pruneTimer = setInterval(pruneSessions, SESSION_PRUNE_INTERVAL_MS)
  pruneTimer.unref()

  const decisions = createDecisionService({
    engine,
    policy,
    sessions,
    audit: store.audit,
    ...(queue !== undefined && { queue }),
    clock,
    mode: { ui: config.ui, calibrate: config.calibrate },
    approvalTimeoutMs: config.approvalTimeoutSecs * 1_000,
    humanCache,
    ...(config.orgDomain !== undefined && { orgDomain: config.orgDomain }),
    metrics,
    ...(shadow !== undefined && { shadow }),
  })
  const uiDir = config.uiDir !== undefined ? resolve(cwd, config.uiDir) : shippedDashboardDir()
  // `--ui` without a built dashboard: approvals still park; the caller says /ui/ is not served.
  const uiBuilt = uiDir !== undefined && existsSync(join(uiDir, 'index.html'))
  const dashboardMissing = !config.ui || uiBuilt
    ? undefined
    : uiDir === undefined
      ? 'no dashboard build was found (apps/dashboard/dist/index.html; run `pnpm build`)'
      : `${join(uiDir, 'index.html')} does not exist (--ui-dir / PERMIT0_UI_DIR)`
  const app = createApp({
    decisions,
    engine,
    sessions,
    ...(built !== undefined && { packs: describePacks(built.packSet) }),
    ...(queue !== undefined && { queue }),
    remember,
    store: { ...pickStore(store), policy },
    clock,
    mode: { ui: config.ui, calibrate: config.calibrate },
    metrics,
    logger,
    version: SERVER_VERSION,
    bodyLimitBytes: config.bodyLimitBytes,
    ...(uiDir !== undefined && uiBuilt && { uiDir }),
    auth,
    anyHost: exposed,
    shutdown: shutdown.signal,
    ...(notifications !== undefined && { notifyRoutes: notifications.routes }),
  })

  const server: ServerType = await new Promise((resolveListen, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolveListen(s))
    s.once('error', reject)
  })
  // Outlive typical load-balancer idle timeouts, so a reused keep-alive socket is never closed
  // under a client that is sending on it.
  const http = server as { keepAliveTimeout?: number; headersTimeout?: number }
  http.keepAliveTimeout = 65_000
  http.headersTimeout = 66_000
  const port = (server.address() as AddressInfo).port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${host}:${port}`
  boundUrl = url
  notifications?.start()
  if (notifications !== undefined && config.publicUrl === undefined && !isLoopbackHost(config.host)) {
    logger.warn({ url }, 'notification links point at the bound address; set --public-url to the address reviewers reach')
  }
  logger.info({ url, replicaId, ui: config.ui, calibrate: config.calibrate, store: store.kind }, 'permit0 serve listening')

  const loginUrl = config.ui && reviewer !== undefined ? `${url}${LOGIN_PATH}?code=${reviewer.newLoginCode().code}` : undefined
  let closing: Promise<void> | undefined
  return {
    url,
    port,
    store,
    ...(queue !== undefined && { queue }),
    replicaId,
    authRequired: activeTokens.length > 0,
    insecure: exposed && activeTokens.length === 0,
    ...(reviewerSecret !== undefined && {
      reviewerToken: reviewerSecret.token,
      reviewerTokenCreated: reviewerSecret.created,
      ...(reviewerSecret.path !== undefined && { reviewerTokenPath: reviewerSecret.path }),
    }),
    ...(loginUrl !== undefined && { loginUrl }),
    ...(dashboardMissing !== undefined && { dashboardMissing }),
    close() {
      closing ??= (async () => {
        clearInterval(pruneTimer)
        const stopped = new Promise<void>((done) => server.close(() => done()))
        // Parked requests are answered (503, approval abandoned) before the store closes.
        shutdown.abort() // ends event streams; later responses carry `Connection: close`
        await queue?.close()
        await notifications?.close()
        const sockets = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void }
        sockets.closeIdleConnections?.()
        const forced = setTimeout(() => sockets.closeAllConnections?.(), 5_000)
        await stopped
        clearTimeout(forced)
        await stopChanges?.().catch(() => undefined)
        await sessions.flush()
        if (ownsStore) await store.close()
        logger.info('permit0 serve stopped')
      })()
      return closing
    },
  }
}
