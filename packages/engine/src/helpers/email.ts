/**
 * Email recipients: who a send really reaches. Address lists are parsed with `email-addresses`
 * (an RFC 5322/6532 parser: display names, quoted local parts, comments, groups) — chosen over
 * nodemailer's `addressparser`, which accepts anything and never reports a malformed address.
 * Lists may be separated by commas or semicolons (Outlook), or arrive as arrays of strings or of
 * `{email|address, name}` objects. Domains are compared after normalisation: lower case, trailing
 * dots dropped, IDN folded to punycode by the WHATWG URL parser, so `bob@CORP.COM`,
 * `bob@corp.com.` and `"Bob" <bob@corp.com>` are all internal for org `corp.com`; subdomains of
 * the org (`eng.corp.com`) are internal too.
 */
import emailAddresses from 'email-addresses'
import type { JsonValue } from '../types.ts'
import { str, type HelperDef } from './types.ts'

/** Recipient scope, from least to most concerning (`self`: one internal recipient). */
export const RecipientScope = {
  Self: 'self',
  Internal: 'internal',
  Unknown: 'unknown',
  Mixed: 'mixed',
  External: 'external',
} as const
export type RecipientScope = (typeof RecipientScope)[keyof typeof RecipientScope]

/** Address fields longer than this are not parsed: the scope is unknown. */
export const ADDRESS_FIELD_LIMIT = 65_536
const MAX_RECIPIENTS = 1_000

/** Lower case, no trailing dots, IDN as punycode; `undefined` when not a valid domain. */
export function normalizeDomain(domain: string): string | undefined {
  const d = domain.trim().replace(/^\[|\]$/g, '').replace(/\.+$/, '')
  if (d === '' || /[\s/\\?#@:]/.test(d)) return undefined
  try {
    const host = new URL(`http://${d}/`).hostname
    return host === '' ? undefined : host
  } catch {
    return undefined
  }
}

/** Replaces `;` separators (outside quotes, angle brackets and comments) with `,`. */
function unifySeparators(text: string): string {
  let out = ''
  let quoted = false
  let angle = 0
  let comment = 0
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string
    if (quoted) {
      if (ch === '\\') {
        out += ch + (text[i + 1] ?? '')
        i += 1
        continue
      }
      if (ch === '"') quoted = false
    } else if (ch === '"') quoted = true
    else if (ch === '<') angle += 1
    else if (ch === '>') angle = Math.max(0, angle - 1)
    else if (ch === '(') comment += 1
    else if (ch === ')') comment = Math.max(0, comment - 1)
    else if (ch === ';' && angle === 0 && comment === 0) {
      out += ','
      continue
    }
    out += ch
  }
  return out
}

/**
 * Hosts named by `%`, `!` or `@` routing inside a local part; `undefined` when a routed segment is
 * not a valid host name (the recipient cannot be known).
 */
function routedHosts(local: string): string[] | undefined {
  const bare = local.replace(/^"|"$/g, '')
  if (!/[%!@]/.test(bare)) return []
  const hosts: string[] = []
  // `a!b!user`: every segment before the last is a host; `user%host`/`user@host`: after the first
  const bang = bare.split('!')
  for (const h of bang.slice(0, -1)) hosts.push(h)
  const rest = (bang[bang.length - 1] as string).split(/[%@]/)
  hosts.push(...rest.slice(1))
  const out: string[] = []
  for (const h of hosts) {
    const d = normalizeDomain(h)
    if (d === undefined) return undefined
    out.push(d)
  }
  return out
}

/** Domains of every address in one field; `undefined` when the field cannot be read. */
export function recipientDomains(value: JsonValue | undefined): string[] | undefined {
  if (value === null || value === undefined) return []
  if (Array.isArray(value)) {
    const out: string[] = []
    for (const v of value) {
      const item = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v['email'] ?? v['address'] ?? v['emailAddress']) : v
      const inner = typeof item === 'object' && item !== null && !Array.isArray(item) ? item['address'] : item
      if (typeof inner !== 'string') return undefined
      const d = recipientDomains(inner)
      if (d === undefined) return undefined
      out.push(...d)
    }
    return out
  }
  if (typeof value !== 'string') return undefined
  if (value.length > ADDRESS_FIELD_LIMIT) return undefined
  const text = unifySeparators(value)
    // `bob@corp.com.` — a fully-qualified domain's trailing dot is not part of the address grammar.
    .replace(/\.+(?=\s*(>|,|$))/g, '')
    .replace(/^[\s,]+|[\s,]+$/g, '')
    .replace(/,(\s*,)+/g, ',')
  if (text === '') return []
  const parsed = emailAddresses({ input: text, rfc6532: true, startAt: 'address-list', rejectTLD: false })
  if (parsed === null) return undefined
  const domains: string[] = []
  for (const a of parsed.addresses) {
    const boxes = a.type === 'group' ? a.addresses : [a]
    for (const box of boxes) {
      const d = normalizeDomain(box.domain)
      if (d === undefined) return undefined
      domains.push(d)
      // Source routing in the local part (`bob%evil.com@corp.com`, `evil.com!bob@corp.com`,
      // `"bob@evil.com"@corp.com`): a relay may forward to the host named there, so it counts too.
      const routed = routedHosts(box.local)
      if (routed === undefined) return undefined
      domains.push(...routed)
    }
  }
  return domains.length > MAX_RECIPIENTS ? undefined : domains
}

/**
 * The scope of a send over all its recipient fields: `external` when every recipient is outside
 * the org, `mixed` for both, `unknown` when a field cannot be read or there are no recipients,
 * `self` for a lone internal recipient, else `internal`. An unreadable field next to an external
 * one stays `external`/`mixed` (the worst known); next to internal ones it is `unknown`.
 */
export function recipientsScope(fields: readonly (JsonValue | undefined)[], org: string, replyAll: boolean): RecipientScope {
  const orgDomain = normalizeDomain(org)
  let unreadable = replyAll // reply-all reaches the thread's recipients, which the call does not name
  const all: string[] = []
  for (const f of fields) {
    const d = recipientDomains(f)
    if (d === undefined) unreadable = true
    else all.push(...d)
  }
  const isInternal = (d: string): boolean => orgDomain !== undefined && (d === orgDomain || d.endsWith(`.${orgDomain}`))
  const internal = all.filter(isInternal).length
  const external = all.length - internal
  if (external > 0) return internal > 0 ? RecipientScope.Mixed : RecipientScope.External
  if (unreadable || all.length === 0) return RecipientScope.Unknown
  return all.length === 1 ? RecipientScope.Self : RecipientScope.Internal
}

export const EMAIL_HELPERS: readonly HelperDef[] = [
  {
    name: 'recipients_scope',
    arity: 3,
    variadic: true,
    description:
      'recipients_scope(org, reply_all, field, …) → self|internal|unknown|mixed|external over every ' +
      'recipient field (to, cc, bcc, Graph-style toRecipients, …: RFC 5322 lists with display names, ' +
      'quoted local parts, `;` or `,`, arrays of strings or {email|address|emailAddress}); domains ' +
      'compared case-insensitively, trailing dot and IDN normalised, org subdomains internal; an ' +
      'unparseable field or reply_all: true makes an otherwise internal send unknown.',
    fn: (args) => recipientsScope(args.slice(2), str(args, 0), args[1] === true),
  },
]
