import { existsSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import {
  createApprovalQueue,
  systemClock,
  type ApprovalQueue,
  type ApprovalRepository,
  type Clock,
} from '@permit0/approvals'
import { createEngine, DEFAULT_CACHE_TTL_MS, parseProfile, type Engine } from '@permit0/engine'
import { createStore, type Store } from '@permit0/store'
import { pino, type Logger } from 'pino'
import { ulid } from 'ulid'
import type { Config } from '../config/schema.ts'
import { ConfigError, ConfigErrorCode } from '../config/load.ts'
import { formatIssueIn, loadPacksFromDisk } from '../packs/index.ts'
import { createApp } from './app.ts'
import { createTokenAuthenticator, isLoopbackHost } from './auth.ts'
import { createDecisionService, createResolutionEffects } from './decision-service.ts'
import type { Authenticator } from './deps.ts'
import { adaptEngine } from './engine-adapter.ts'
import { createMetrics } from './metrics.ts'

export const SERVER_VERSION = '0.1.0'

/** The store's approvals satisfy the queue's port (compile-time check). */
const asRepository = (store: Store): ApprovalRepository => store.approvals

export interface StartServerOptions {
  readonly logger?: Logger
  readonly clock?: Clock
  /** Injected store (tests); else opened from the config and closed on shutdown. */
  readonly store?: Store
  /** Injected engine (tests); else built from the packs dir and profile. */
  readonly engine?: Engine
  readonly replicaId?: string
  readonly cwd?: string
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
  /** Stops accepting, answers parked requests, closes the store (when it opened it). Idempotent. */
  close(): Promise<void>
}

/** Loads packs and the profile into an engine; invalid packs fail naming file and path. */
export function buildEngine(config: Config, cwd: string): Engine {
  const loaded = loadPacksFromDisk({ ...(config.packsDir !== undefined && { flag: config.packsDir }), cwd })
  if (!loaded.ok) {
    const errors = loaded.issues.filter((i) => i.severity === 'error')
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `invalid packs:\n${errors.map((i) => `  ${formatIssueIn(loaded.dir, i)}`).join('\n')}`,
    )
  }
  let profile
  if (config.profile !== undefined) {
    const path = resolve(cwd, 'profiles', `${config.profile}.profile.yaml`)
    const direct = resolve(cwd, config.profile)
    const file = existsSync(direct) && config.profile.endsWith('.yaml') ? direct : path
    if (!existsSync(file)) throw new ConfigError(ConfigErrorCode.Invalid, `profile not found: ${file}`)
    const parsed = parseProfile(readFileSync(file, 'utf8'), config.profile)
    if (!parsed.ok) {
      throw new ConfigError(
        ConfigErrorCode.Invalid,
        `invalid profile ${file}: ${parsed.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      )
    }
    profile = parsed.profile
  }
  return createEngine({
    packSet: loaded.packSet,
    ...(profile !== undefined && { profile }),
    ...(config.orgDomain !== undefined && { orgDomain: config.orgDomain }),
  })
}

/** The dashboard build shipped beside the CLI (`apps/dashboard/dist`), if present. */
function defaultUiDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidate = resolve(here, '../../../dashboard/dist')
  return existsSync(resolve(candidate, 'index.html')) ? candidate : undefined
}

/**
 * `serve` wiring: store → migrate → engine → cache reconciliation → approvals queue → app →
 * listen. Only this function (and the command around it) connects the packages.
 */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<ServerHandle> {
  const cwd = options.cwd ?? process.cwd()
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'permit0' } })
  const clock = options.clock ?? systemClock
  const replicaId = options.replicaId ?? ulid()
  const ownsStore = options.store === undefined
  const engine = options.engine ?? buildEngine(config, cwd)

  const store =
    options.store ??
    createStore(
      config.databaseUrl !== undefined
        ? { kind: 'postgres', url: config.databaseUrl }
        : { kind: 'embedded', ...(config.dataDir !== undefined && { dataDir: config.dataDir }) },
    )
  try {
    if (ownsStore) await store.migrate()
    await store.policy.reconcileCache(engine.fingerprint)
  } catch (err) {
    if (ownsStore) await store.close().catch(() => undefined)
    throw err
  }

  const activeTokens = (await store.tokens.list()).filter((t) => t.revokedAtMs === undefined)
  const exposed = !isLoopbackHost(config.host)
  if (exposed && activeTokens.length === 0) {
    if (!config.insecure) {
      if (ownsStore) await store.close()
      throw new ConfigError(
        ConfigErrorCode.Invalid,
        `refusing to bind ${config.host} without API tokens: create one with \`permit0 token create\`, bind 127.0.0.1, ` +
          'or pass --insecure to let anyone who can reach this address approve and manage',
      )
    }
    logger.warn({ host: config.host }, 'INSECURE: no API tokens; anyone who can reach this address is admin')
  }
  // Always installed: off while no token exists, on from the first token (even one created later).
  const auth: Authenticator = createTokenAuthenticator({ tokens: store.tokens, clock, required: activeTokens.length > 0 })

  const humanCache = {
    enabled: config.cacheHumanVerdicts,
    ttlMs: DEFAULT_CACHE_TTL_MS,
    fingerprint: engine.fingerprint,
  }
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
      onResolve: createResolutionEffects({ audit: store.audit, policy: store.policy, clock, humanCache, metrics }),
      onError: (err, context) => {
        metrics.storeErrors.inc({ operation: 'approvals' })
        logger.error({ err, context }, 'approvals queue error')
      },
    })
    await queue.start()
  }

  const checkEngine = adaptEngine(engine)
  const decisions = createDecisionService({
    engine: checkEngine,
    policy: store.policy,
    audit: store.audit,
    ...(queue !== undefined && { queue }),
    clock,
    mode: { ui: config.ui, calibrate: config.calibrate },
    approvalTimeoutMs: config.approvalTimeoutSecs * 1_000,
    humanCache,
    ...(config.orgDomain !== undefined && { orgDomain: config.orgDomain }),
    metrics,
  })
  const shutdown = new AbortController()
  const uiDir = config.uiDir !== undefined ? resolve(cwd, config.uiDir) : defaultUiDir()
  const app = createApp({
    decisions,
    engine: checkEngine,
    ...(queue !== undefined && { queue }),
    store,
    clock,
    mode: { ui: config.ui, calibrate: config.calibrate },
    metrics,
    logger,
    version: SERVER_VERSION,
    bodyLimitBytes: config.bodyLimitBytes,
    ...(uiDir !== undefined && { uiDir }),
    auth,
    anyHost: exposed,
    shutdown: shutdown.signal,
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
  logger.info({ url, replicaId, ui: config.ui, calibrate: config.calibrate, store: store.kind }, 'permit0 serve listening')

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    store,
    ...(queue !== undefined && { queue }),
    replicaId,
    authRequired: activeTokens.length > 0,
    insecure: exposed && activeTokens.length === 0,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((done) => server.close(() => done()))
        // Parked requests are answered (503, approval abandoned) before the store closes.
        shutdown.abort() // ends event streams; later responses carry `Connection: close`
        await queue?.close()
        const sockets = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void }
        sockets.closeIdleConnections?.()
        const forced = setTimeout(() => sockets.closeAllConnections?.(), 5_000)
        await stopped
        clearTimeout(forced)
        if (ownsStore) await store.close()
        logger.info('permit0 serve stopped')
      })()
      return closing
    },
  }
}
