import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from './env.ts'

/**
 * The dashboard's Content-Security-Policy: everything from this origin only (no CDN, no
 * external fonts or images), no plugins, no framing, no inline scripts.
 */
export const UI_CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

const COMMON = {
  // TLS is terminated by whatever fronts a team deployment; HSTS is its decision.
  strictTransportSecurity: false,
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  crossOriginEmbedderPolicy: false,
} as const

/**
 * Security headers on every response (nosniff, no framing, no referrer); `/ui/` responses also
 * carry the dashboard CSP, API responses a CSP that allows nothing (JSON is never a document).
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const ui = secureHeaders({ ...COMMON, contentSecurityPolicy: UI_CONTENT_SECURITY_POLICY })
  const api = secureHeaders({ ...COMMON, contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } })
  return (c, next) => (c.req.path === '/ui' || c.req.path.startsWith('/ui/') ? ui(c, next) : api(c, next))
}
