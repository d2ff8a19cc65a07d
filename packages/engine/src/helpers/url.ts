/**
 * URL helpers for WebFetch, fetch-style MCP servers, generic HTTP tools and shell network
 * commands: where a URL really goes and what it carries. Parsing is the WHATWG `URL` parser (a JS
 * global, no IO), which already folds decimal, octal and hex IPv4 spellings (`2130706433`,
 * `0177.1`, `0x7f.0.0.1`) and IDNA/full-width dots to one canonical host; `ipaddr.js` classifies
 * address ranges, and IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4,
 * Teredo) are judged by that address.
 *
 * SSRF by name as well as by address: names that resolve to internal addresses by construction
 * are internal — `localhost` and `*.localhost`, special-use and private suffixes (`.internal`,
 * `.local`, `.home.arpa`, cluster DNS such as `kubernetes.default.svc.cluster.local`), single-label
 * intranet names, loopback-alias domains (`localtest.me`, `lvh.me`, …), DNS-rebinding services, and
 * any name that embeds a private or loopback IPv4 address in one of its labels (the wildcard-DNS
 * class: `10.0.0.1.nip.io`, `127-0-0-1.sslip.io`, `7f000001.nip.io`, whatever the service).
 */
import ipaddr from 'ipaddr.js'
import type { JsonObject, JsonValue } from '../types.ts'
import { isGuardApi } from './guard-locations.ts'
import { detectSecrets, textOf } from './secrets.ts'
import type { HelperDef } from './types.ts'

export interface HostFacts {
  /** Lowercase host without brackets or port; `""` when none. */
  readonly host: string
  readonly ipLiteral: boolean
  /** Loopback (`localhost`, 127/8, ::1, names that resolve there). */
  readonly localhost: boolean
  /** Not reachable from the public internet: RFC 1918, CGNAT, ULA, link-local, `.internal`, … */
  readonly private: boolean
  /** Cloud instance-metadata services (169.254.169.254, metadata.google.internal, …). */
  readonly metadataEndpoint: boolean
  /** The name is internal only by what it embeds or where it resolves (wildcard DNS, rebinding). */
  readonly internalByName: boolean
}

export interface UrlFacts extends HostFacts {
  readonly valid: boolean
  readonly scheme: string
  readonly https: boolean
  /** Explicit or default port (`undefined` for schemes without one). */
  readonly port: number | undefined
  /** `user:password@` in the URL. */
  readonly credentials: boolean
  /** A query parameter that looks like a credential (`token=`, `api_key=`, …). */
  readonly querySecret: boolean
  /** A secret (key, token, JWT, …) anywhere in the path, query or fragment. */
  readonly pathSecret: boolean
  /** A scheme other than http(s). */
  readonly otherScheme: boolean
  /** `file:`, `gopher:`, `dict:` and friends: local files or raw sockets, never a web page. */
  readonly dangerousScheme: boolean
  /** Longer than `URL_LENGTH_LIMIT`. */
  readonly oversized: boolean
  /** The URL addresses permit0's own API. */
  readonly guardApi: boolean
  readonly path: string
}

/** URLs longer than this are not judged (they are `valid: false, oversized: true`). */
export const URL_LENGTH_LIMIT = 16_384

const PRIVATE_SUFFIXES = [
  '.local', '.localhost', '.internal', '.intranet', '.lan', '.home', '.home.arpa', '.corp', '.private',
  '.localdomain', '.svc', '.cluster.local', '.consul',
  '.in-addr.arpa', '.ip6.arpa',
]
/** Public domains whose every name resolves to loopback (developer conveniences). */
const LOOPBACK_DOMAINS = [
  'localtest.me', 'lvh.me', 'vcap.me', 'fuf.me', 'lacolhost.com', 'localh.st', 'local.gd',
  'localhost.direct', 'readme.localtest.me', 'yoogle.com', 'ulh.me', '127.0.0.1.nip.io',
]
/** Wildcard-DNS services (name → embedded address) and DNS-rebinding services. */
const WILDCARD_DNS_DOMAINS = [
  'nip.io', 'sslip.io', 'xip.io', 'traefik.me', 'nip.direct', 'ip.addr.tools', 'backname.io',
  'localip.pro', '1u.ms', 'rbndr.us', 'rebind.it', 'rebind.network', 'lock.cmpxchg8b.com',
  'xip.name', 'sslip.dev', 'ipv4.sh',
]
/** Cluster-internal service names (Kubernetes API, Docker host). */
const INTERNAL_NAMES = /^(kubernetes|kubernetes\.default|kubernetes\.default\.svc|host\.docker\.internal|gateway\.docker\.internal|host\.containers\.internal|instance-data|metadata)$/
const METADATA_NAMES = new Set([
  'metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal',
  'metadata.azure.internal', 'metadata.tencentyun.com', 'metadata.platformequinix.com',
])
/** Metadata and credential services by address (AWS/Azure/GCP/OpenStack, ECS, Alibaba, Oracle, Azure wire server). */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254', '169.254.170.2', '169.254.170.23', '169.254.169.123', '100.100.100.200',
  '192.0.0.192', '168.63.129.16', 'fd00:ec2::254', 'fd00:ec2::23',
])
const SECRET_QUERY = /(^|[?&;])[^=&]*(access[_-]?token|token|api[_-]?key|apikey|key|secret|password|passwd|pwd|auth|signature|sig|client[_-]?secret|credential|session|jwt|private)[^=&]*=[^&]/i
const OTHER_SAFE_SCHEMES = new Set(['http', 'https'])
const DANGEROUS_SCHEMES = new Set([
  'file', 'gopher', 'dict', 'ldap', 'ldaps', 'jar', 'netdoc', 'tftp', 'sftp', 'ftp', 'smb', 'ssh',
  'telnet', 'php', 'phar', 'data', 'javascript', 'expect', 'glob', 'zip', 'unix', 'mailto',
])

function under(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`)
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo), if any. */
function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = addr.parts
  const v4 = (hi: number, lo: number): ipaddr.IPv4 =>
    new ipaddr.IPv4([(hi >> 8) & 0xff, hi & 0xff, (lo >> 8) & 0xff, lo & 0xff])
  const [p0, p1, p2, p3, p4, p5, p6, p7] = p as unknown as [number, number, number, number, number, number, number, number]
  if (addr.isIPv4MappedAddress()) return addr.toIPv4Address()
  // ::a.b.c.d (deprecated compatible form) — but not :: or ::1
  if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0 && (p5 === 0 || p5 === 0xffff) && (p6 !== 0 || p7 > 1)) return v4(p6, p7)
  // NAT64 well-known and local-use prefixes (RFC 6052, RFC 8215)
  if (p0 === 0x64 && p1 === 0xff9b) return v4(p6, p7)
  // 6to4 (2002:AABB:CCDD::/48)
  if (p0 === 0x2002) return v4(p1, p2)
  // Teredo (2001:0::/32): client IPv4 is the last 32 bits, inverted
  if (p0 === 0x2001 && p1 === 0) return v4(p6 ^ 0xffff, p7 ^ 0xffff)
  return undefined
}

interface AddressClass {
  readonly loopback: boolean
  readonly internal: boolean
  readonly metadata: boolean
}

function classifyAddress(text: string): AddressClass {
  let addr = ipaddr.parse(text)
  if (addr.kind() === 'ipv6') {
    const inner = embeddedIPv4(addr as ipaddr.IPv6)
    if (inner !== undefined) addr = inner
  }
  const canonical = addr.toString()
  const range = addr.range()
  const metadata = METADATA_ADDRESSES.has(canonical) ||
    (addr.kind() === 'ipv6' && canonical.startsWith('fd00:ec2:'))
  const loopback = range === 'loopback' || range === 'unspecified'
  return { loopback, internal: loopback || metadata || range !== 'unicast', metadata }
}

/**
 * Every IPv4 address spelled inside a DNS label sequence: `10.0.0.1.x`, `10-0-0-1.x`, `0a000001.x`
 * (a rebinding name can carry several; all are judged).
 */
function ipv4sInName(host: string): ipaddr.IPv4[] {
  const out: ipaddr.IPv4[] = []
  const dotted = /(?:^|[.-])((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:[.-](?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?=$|[.-])/g
  for (let m = dotted.exec(host); m !== null; m = dotted.exec(host)) {
    const text = (m[1] ?? '').replace(/-/g, '.')
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) out.push(ipaddr.IPv4.parse(text))
    dotted.lastIndex = m.index + 1
  }
  const hex = /(?:^|[.-])([0-9a-f]{8})(?=$|[.-])/g
  for (let m = hex.exec(host); m !== null; m = hex.exec(host)) {
    const h = m[1] ?? ''
    if (/\d/.test(h)) {
      const n = Number.parseInt(h, 16)
      out.push(new ipaddr.IPv4([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]))
    }
    hex.lastIndex = m.index + 1
  }
  return out
}

function nameFacts(host: string): Omit<HostFacts, 'host' | 'ipLiteral'> {
  const metadataName = METADATA_NAMES.has(host)
  const loopbackName = host === 'localhost' || host.endsWith('.localhost') || LOOPBACK_DOMAINS.some((d) => under(host, d))
  const wildcard = WILDCARD_DNS_DOMAINS.some((d) => under(host, d))
  const embedded = ipv4sInName(host).map((a) => classifyAddress(a.toString()))
  const embeddedClass = embedded.length === 0 ? undefined : {
    loopback: embedded.some((c) => c.loopback),
    internal: embedded.some((c) => c.internal),
    metadata: embedded.some((c) => c.metadata),
  }
  const embeddedInternal = embeddedClass !== undefined && embeddedClass.internal
  const singleLabel = !host.includes('.')
  const privateName = singleLabel || INTERNAL_NAMES.test(host) || PRIVATE_SUFFIXES.some((s) => host.endsWith(s))
  // A wildcard-DNS or rebinding name can point anywhere the requester chooses: internal.
  const internalByName = loopbackName || wildcard || embeddedInternal
  return {
    localhost: loopbackName || (embeddedClass?.loopback ?? false),
    private: privateName || internalByName || metadataName,
    metadataEndpoint: metadataName || (embeddedClass?.metadata ?? false),
    internalByName,
  }
}

export function classifyHost(rawHost: string): HostFacts {
  const host = rawHost.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '')
  if (host === '') {
    return { host, ipLiteral: false, localhost: false, private: false, metadataEndpoint: false, internalByName: false }
  }
  if (ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host))) {
    const c = classifyAddress(host)
    return { host, ipLiteral: true, localhost: c.loopback, private: c.internal, metadataEndpoint: c.metadata, internalByName: false }
  }
  if (ipaddr.isValid(host) || /^[0-9.x]+$/i.test(host)) {
    // A numeric spelling the URL parser did not fold (bare `classifyHost("0x7f.1")`): read it the
    // way inet_aton does, through the parser.
    let folded: string | undefined
    try {
      folded = new URL(`http://${host}/`).hostname
    } catch {
      folded = undefined
    }
    if (folded !== undefined && folded !== host) return { ...classifyHost(folded), host: folded }
  }
  return { host, ipLiteral: false, ...nameFacts(host) }
}

const INVALID: UrlFacts = {
  host: '', ipLiteral: false, localhost: false, private: false, metadataEndpoint: false, internalByName: false,
  valid: false, scheme: '', https: false, port: undefined, credentials: false, querySecret: false, pathSecret: false,
  otherScheme: false, dangerousScheme: false, oversized: false, guardApi: false, path: '',
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 }

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Parses `url`; a missing scheme is read as `https://`. Never throws. */
export function classifyUrl(url: string): UrlFacts {
  const text = url.trim()
  if (text.length > URL_LENGTH_LIMIT) return { ...INVALID, oversized: true }
  const explicit = /^[a-z][a-z0-9+.-]*:/i.exec(text)
  const hasAuthority = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
  // `localhost:8080/x` and `example.com:443` are host:port, not a scheme.
  const schemeLike = explicit !== null && !/^[a-z][a-z0-9+.-]*:\d/i.test(text)
  const withScheme = hasAuthority || schemeLike ? text : `https://${text}`
  let parsed: URL | undefined
  try {
    parsed = new URL(withScheme)
  } catch {
    parsed = undefined
  }
  if (parsed === undefined || text === '') return INVALID
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase()
  const host = classifyHost(parsed.hostname)
  const port = parsed.port !== '' ? Number(parsed.port) : DEFAULT_PORTS[scheme]
  const path = parsed.pathname
  const search = parsed.search
  // The whole URL but its userinfo (judged as `credentials`): webhook URLs are secrets by host + path.
  const pathSecret = detectSecrets(safeDecode(`${parsed.hostname}${path}${search}${parsed.hash}`)).found
  return {
    ...host,
    valid: true,
    scheme,
    https: scheme === 'https',
    port,
    credentials: parsed.username !== '' || parsed.password !== '',
    querySecret: SECRET_QUERY.test(search) || SECRET_QUERY.test(parsed.hash.replace(/^#/, '?')),
    pathSecret,
    otherScheme: !OTHER_SAFE_SCHEMES.has(scheme),
    dangerousScheme: DANGEROUS_SCHEMES.has(scheme),
    oversized: false,
    // percent-encoded spellings (`/%61pi/v1/approvals`) reach the same route
    guardApi: isGuardApi(host.host, port, path, host.localhost) || isGuardApi(host.host, port, safeDecode(path), host.localhost),
    path,
  }
}

/** Header names whose value is a credential whatever it looks like. */
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token|x-access-token|private-token|x-goog-api-key|x-amz-security-token|x-csrf-token|x-vault-token|ocp-apim-subscription-key)$/i

/** Whether request headers (an object, a list of `[name, value]`/`{name, value}`, or text) carry a credential. */
export function headersCarrySecret(headers: JsonValue | undefined): boolean {
  if (headers === null || headers === undefined) return false
  if (typeof headers === 'object' && !Array.isArray(headers)) {
    for (const [name, value] of Object.entries(headers)) {
      if (CREDENTIAL_HEADERS.test(name.trim()) && value !== null && value !== '') return true
    }
  } else if (Array.isArray(headers)) {
    for (const h of headers) {
      if (Array.isArray(h) && typeof h[0] === 'string' && CREDENTIAL_HEADERS.test(h[0].trim()) && h[1] !== '') return true
      if (h !== null && typeof h === 'object' && !Array.isArray(h)) {
        const name = h['name'] ?? h['key']
        if (typeof name === 'string' && CREDENTIAL_HEADERS.test(name.trim())) return true
      }
      if (typeof h === 'string' && CREDENTIAL_HEADERS.test(h.split(':')[0]?.trim() ?? '')) return true
    }
  } else if (typeof headers === 'string') {
    for (const line of headers.split(/\r?\n/)) if (CREDENTIAL_HEADERS.test(line.split(':')[0]?.trim() ?? '')) return true
  }
  return detectSecrets(textOf(headers)).found
}

function urlFactsJson(args: readonly JsonValue[]): JsonValue {
  const v = args[0]
  const f = classifyUrl(typeof v === 'string' ? v : '')
  return {
    valid: f.valid,
    scheme: f.scheme,
    host: f.host,
    port: f.port ?? null,
    path: f.path,
    https: f.https,
    ip_literal: f.ipLiteral,
    localhost: f.localhost,
    private: f.private,
    metadata_endpoint: f.metadataEndpoint,
    internal_by_name: f.internalByName,
    credentials: f.credentials,
    query_secret: f.querySecret,
    path_secret: f.pathSecret,
    secret: f.credentials || f.querySecret || f.pathSecret,
    other_scheme: f.otherScheme,
    dangerous_scheme: f.dangerousScheme,
    oversized: f.oversized,
    guard_api: f.guardApi,
  } satisfies JsonObject
}

/** `http_method(value)`: the upper-cased method, `GET` when absent, `INVALID` when not a token. */
function httpMethodJson(args: readonly JsonValue[]): JsonValue {
  const v = args[0]
  if (v === null || v === undefined) return 'GET'
  if (typeof v !== 'string') return 'INVALID'
  const m = v.trim().toUpperCase()
  if (m === '') return 'GET'
  return /^[A-Z]{1,16}$/.test(m) ? m : 'INVALID'
}

/** `http_action_type(method)`: network.get | post | put | delete for an HTTP method (case-insensitive). */
function httpActionTypeJson(args: readonly JsonValue[]): JsonValue {
  const m = httpMethodJson(args)
  switch (m) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return 'network.get'
    case 'PUT':
    case 'PATCH':
      return 'network.put'
    case 'DELETE':
      return 'network.delete'
    default:
      // POST, unknown verbs, and unreadable methods send data: judged as the strictest write.
      return 'network.post'
  }
}

export const URL_HELPERS: readonly HelperDef[] = [
  {
    name: 'url_facts',
    arity: 1,
    description:
      'url_facts(url) → {valid, scheme, host, port, path, https, ip_literal, localhost, private, ' +
      'metadata_endpoint, internal_by_name, credentials, query_secret, path_secret, secret, ' +
      'other_scheme, dangerous_scheme, oversized, guard_api}; a missing scheme reads as https.',
    fn: urlFactsJson,
  },
  {
    name: 'headers_secret',
    arity: 1,
    description: 'headers_secret(headers) → true when request headers carry a credential (Authorization, Cookie, API-key headers, or a detected secret).',
    fn: (args) => headersCarrySecret(args[0]),
  },
  {
    name: 'http_method',
    arity: 1,
    description: 'http_method(method) → the method upper-cased (`GET` when absent, `INVALID` when not a token).',
    fn: httpMethodJson,
  },
  {
    name: 'http_action_type',
    arity: 1,
    description: 'http_action_type(method) → network.get|network.post|network.put|network.delete (case-insensitive; unknown → network.post).',
    fn: httpActionTypeJson,
  },
]
