import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import { ConfigError, ConfigErrorCode } from '../config/load.ts'

/**
 * Signed approve/deny links. A link carries its claims — approval id, the action's norm_hash,
 * the decision, the reviewer the channel vouches for, expiry (the approval's) and a random
 * nonce — as base64url JSON, and an HMAC-SHA256 over them with the server's link secret:
 *
 *   <public url>/notify/link/<approval id>/<base64url(claims)>.<base64url(hmac)>
 *
 * The route checks the MAC, that the path's id is the claims' id, expiry, the approval's
 * norm_hash, and consumes the nonce in the store (once across replicas) before deciding.
 */

export const LINK_SECRET_FILE = 'link-secret'

/** A request path fit for logs: a link's token is a capability, so only its approval id stays. */
export const loggedPath = (path: string): string => path.replace(/^(\/notify\/link\/[^/]*\/).+$/, '$1[token]')
/** Domain separation: this key signs nothing else. */
const MAC_CONTEXT = 'permit0-approval-link-v1.'
const MIN_SECRET_BYTES = 32

const LinkPermissionSchema = z.enum(['allow', 'deny'])
export type LinkPermission = z.infer<typeof LinkPermissionSchema>

const ClaimsSchema = z
  .object({
    a: z.string().min(1).max(100),
    h: z.string().regex(/^[0-9a-f]{64}$/),
    p: LinkPermissionSchema,
    r: z.string().min(1).max(200),
    c: z.enum(['webhook', 'email']),
    e: z.number().int().nonnegative(),
    n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  })
  .strict()

/** What a link says (decoded and authenticated). */
export interface LinkClaims {
  readonly approvalId: string
  readonly normHash: string
  readonly permission: LinkPermission
  /** The identity the channel vouches for (an email recipient, a webhook's name). */
  readonly reviewer: string
  readonly via: 'webhook' | 'email'
  readonly expiresAtMs: number
  readonly nonce: string
}

export type LinkCheck =
  | { readonly ok: true; readonly claims: LinkClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' | 'wrong_approval' }

export interface LinkSigner {
  /** The full URL of a new single-use link. */
  url(claims: Omit<LinkClaims, 'nonce'>): string
  /** The token part alone (tests build links for other claims with it). */
  sign(claims: LinkClaims): string
  /** Authenticates a link's token for the approval id in its path. */
  verify(approvalId: string, token: string): LinkCheck
}

export function createLinkSigner(options: { secret: Buffer; publicUrl: () => string }): LinkSigner {
  if (options.secret.length < MIN_SECRET_BYTES) throw new Error(`the link secret must be at least ${MIN_SECRET_BYTES} bytes`)
  const mac = (payload: string): Buffer => createHmac('sha256', options.secret).update(MAC_CONTEXT + payload).digest()
  const sign = (claims: LinkClaims): string => {
    const payload = Buffer.from(
      JSON.stringify({
        a: claims.approvalId,
        h: claims.normHash,
        p: claims.permission,
        r: claims.reviewer,
        c: claims.via,
        e: claims.expiresAtMs,
        n: claims.nonce,
      }),
    ).toString('base64url')
    return `${payload}.${mac(payload).toString('base64url')}`
  }
  return {
    sign,
    url(claims) {
      const token = sign({ ...claims, nonce: randomBytes(18).toString('base64url') })
      const base = options.publicUrl().replace(/\/+$/, '')
      return `${base}/notify/link/${encodeURIComponent(claims.approvalId)}/${token}`
    },
    verify(approvalId, token) {
      const parts = token.split('.')
      if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0] ?? '') || !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? '')) {
        return { ok: false, reason: 'malformed' }
      }
      const [payload = '', signature = ''] = parts
      const given = Buffer.from(signature, 'base64url')
      const expected = mac(payload)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' }
      let decoded: unknown
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
      } catch {
        return { ok: false, reason: 'malformed' }
      }
      const parsed = ClaimsSchema.safeParse(decoded)
      if (!parsed.success) return { ok: false, reason: 'malformed' }
      const c = parsed.data
      if (c.a !== approvalId) return { ok: false, reason: 'wrong_approval' }
      return {
        ok: true,
        claims: { approvalId: c.a, normHash: c.h, permission: c.p, reviewer: c.r, via: c.c, expiresAtMs: c.e, nonce: c.n },
      }
    },
  }
}

/**
 * The link secret: given (env or file; replicas must share one), else `<data dir>/link-secret`,
 * created 0600 on first use. A file others can read is refused (it would let them forge links).
 */
export function loadOrCreateLinkSecret(options: { secret?: string; file?: string; defaultFile: string }): Buffer {
  if (options.secret !== undefined) return checked(Buffer.from(options.secret, 'utf8'), 'PERMIT0_LINK_SECRET')
  const path = options.file ?? options.defaultFile
  if (!existsSync(path)) {
    if (options.file !== undefined) throw new ConfigError(ConfigErrorCode.Invalid, `link secret file not found: ${path}`)
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    writeFileSync(path, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' })
    chmodSync(path, 0o600)
  }
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(ConfigErrorCode.Invalid, `link secret ${path} is readable by other users (mode ${mode.toString(8)}): chmod 600 it`)
  }
  return checked(Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8'), path)
}

function checked(secret: Buffer, where: string): Buffer {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${where}: the link secret must be at least ${MIN_SECRET_BYTES} bytes`)
  }
  return secret
}
