import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { ROLES, requireRole } from './auth.ts'
import { leanBodyLimit } from './body.ts'
import type { AppDeps } from './deps.ts'
import type { AppEnv } from './env.ts'
import { createErrorHandler, ServerError, ServerErrorCode } from './errors.ts'
import { loggedPath } from '../notify/links.ts'
import { buildOpenApiDocument } from './openapi.ts'
import { approvalRoutes } from './routes/approvals.ts'
import { auditRoutes } from './routes/audit.ts'
import { calibrationRoutes } from './routes/calibration.ts'
import { checkRoutes } from './routes/check.ts'
import { healthRoutes } from './routes/health.ts'
import { CLAUDE_CODE_HOOK_PATH, hookFailureAnswer, hookRoutes } from './routes/hooks.ts'
import { packRoutes } from './routes/packs.ts'
import { policyRoutes } from './routes/policy.ts'
import { REPLAY_PATH, replayBodyLimit, replayRoutes } from './routes/replay.ts'
import { sessionRoutes } from './routes/session.ts'
import { requestGuards } from './request-guards.ts'
import { responseHeaders } from './security-headers.ts'

/** Builds the HTTP app over its services (no listening socket; `serve` does that). */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>()
  const openapi = buildOpenApiDocument(deps.version)

  // The request id and the security headers (hono's requestId + secureHeaders; cheaper under Node).
  app.use(responseHeaders())
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    if (deps.shutdown?.aborted === true) c.header('Connection', 'close')
    const status = c.res.status
    const route = c.req.routePath
    deps.metrics.httpRequests.inc({ method: c.req.method, route, status: String(status) })
    if (route !== '/api/v1/health' && route !== '/metrics' && deps.logger.isLevelEnabled('info')) {
      deps.logger.info(
        { requestId: c.get('requestId'), method: c.req.method, path: loggedPath(c.req.path), status, ms: Math.round(performance.now() - started) },
        'request',
      )
    }
  })
  app.use(requestGuards(deps))
  const limitOf = (maxSize: number) =>
    leanBodyLimit(maxSize, () => {
      throw new ServerError(ServerErrorCode.PayloadTooLarge, `request body exceeds ${maxSize} bytes`)
    })
  // A fail-open replay batch from a client (up to about 2 MB) always fits its route's own limit.
  const generalLimit = limitOf(deps.bodyLimitBytes)
  const replayLimit = limitOf(replayBodyLimit(deps.bodyLimitBytes))
  app.use('/api/*', (c, next) => (c.req.path === REPLAY_PATH ? replayLimit(c, next) : generalLimit(c, next)))
  const errorAnswer = createErrorHandler((err, c, status) => {
    if (status >= 500) {
      if ((err as { code?: string }).code?.startsWith('STORE_') === true) {
        deps.metrics.storeErrors.inc({ operation: c.req.routePath })
      }
      const code = (err as { code?: string }).code
      if (code === ServerErrorCode.ApprovalAbandoned || code === ServerErrorCode.ShuttingDown) {
        // Expected during shutdown; log the outcome, not the approval's parameters.
        deps.logger.warn({ code, requestId: c.get('requestId'), path: loggedPath(c.req.path) }, err instanceof Error ? err.message : String(err))
      } else {
        deps.logger.error({ err, requestId: c.get('requestId'), path: loggedPath(c.req.path) }, 'request failed')
      }
    }
  })
  // Claude Code reads a non-2xx answer from its http hook as "no decision": there, even the
  // guards' and body limit's refusals are a 200 deny with the reason.
  app.onError((err, c) => (c.req.path === CLAUDE_CODE_HOOK_PATH ? hookFailureAnswer(c, err) : errorAnswer(err, c)))

  app.notFound((c) =>
    c.json({ error: { code: ServerErrorCode.NotFound, message: `no route ${c.req.method} ${c.req.path}`, requestId: c.get('requestId') } }, 404),
  )

  app.get('/api/v1/openapi.json', (c) => c.json(openapi))
  app.get('/metrics', requireRole(deps, ROLES.read), async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType)
    return c.body(await deps.metrics.registry.metrics())
  })

  const routes = app
    .route('/api/v1', checkRoutes(deps))
    .route('/api/v1', hookRoutes(deps))
    .route('/api/v1/approvals', approvalRoutes(deps))
    .route('/api/v1/audit', auditRoutes(deps))
    .route('/api/v1/calibration', calibrationRoutes(deps))
    .route('/api/v1/packs', packRoutes(deps))
    .route('/api/v1/audit', replayRoutes(deps))
    .route('/api/v1/session', sessionRoutes(deps))
    .route('/api/v1', policyRoutes(deps))
    .route('/api/v1', healthRoutes(deps))

  if (deps.notifyRoutes !== undefined) app.route('/notify', deps.notifyRoutes)

  if (deps.mode.ui && deps.uiDir !== undefined) {
    const root = deps.uiDir
    app.get('/', (c) => c.redirect('/ui/'))
    app.get('/ui', (c) => c.redirect('/ui/'))
    app.get('/ui/*', serveStatic({ root, rewriteRequestPath: (path) => path.replace(/^\/ui/, '') }))
    // SPA fallback: client-side routes get index.html.
    app.get('/ui/*', serveStatic({ root, path: 'index.html' }))
  }
  return routes
}

export type AppType = ReturnType<typeof createApp>
