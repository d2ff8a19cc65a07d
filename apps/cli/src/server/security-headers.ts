import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { LINK_PAGE_CSP } from '../notify/confirm-page.ts'
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
  // Approve/deny link pages: one hashed inline stylesheet, a form posting back to itself, nothing else.
  const link = secureHeaders({ ...COMMON, contentSecurityPolicy: LINK_PAGE_CSP })
  return (c, next) => {
    const path = c.req.path
    if (path === '/ui' || path.startsWith('/ui/')) return ui(c, next)
    return path.startsWith('/notify/link/') ? link(c, next) : api(c, next)
  }
}
