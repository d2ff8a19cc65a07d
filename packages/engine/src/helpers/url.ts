/**
 * URL helpers for WebFetch, fetch-style MCP servers and shell network commands: the host, and
 * whether it is loopback, private, link-local or a cloud metadata endpoint. Uses the WHATWG `URL`
 * parser (a JS global, no IO) and `ipaddr.js` for address ranges.
 */
import ipaddr from 'ipaddr.js'
import type { JsonObject, JsonValue } from '../types.ts'
import type { HelperDef } from './types.ts'

export interface HostFacts {
  /** Lowercase host without brackets or port; `""` when none. */
  readonly host: string
  readonly ipLiteral: boolean
  /** Loopback (`localhost`, 127/8, ::1). */
  readonly localhost: boolean
  /** Not reachable from the public internet: RFC 1918, CGNAT, ULA, link-local, `.internal`, … */
  readonly private: boolean
  /** Cloud instance-metadata services (169.254.169.254, metadata.google.internal, …). */
  readonly metadataEndpoint: boolean
}

export interface UrlFacts extends HostFacts {
  readonly valid: boolean
  readonly scheme: string
  readonly https: boolean
  /** `user:password@` in the URL. */
  readonly credentials: boolean
  /** A query parameter that looks like a credential (`token=`, `api_key=`, …). */
  readonly querySecret: boolean
  readonly path: string
}

const PRIVATE_SUFFIXES = ['.local', '.localhost', '.internal', '.lan', '.home.arpa', '.corp', '.intranet']
const METADATA_HOSTS = new Set(['169.254.169.254', 'fd00:ec2::254', 'metadata.google.internal',
  'metadata', '100.100.100.200'])
const SECRET_QUERY = /(^|[?&])(access_token|token|api_key|apikey|key|secret|password|passwd|pwd|auth|signature|sig|client_secret)=/i

export function classifyHost(rawHost: string): HostFacts {
  const host = rawHost.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '')
  if (host === '') {
    return { host, ipLiteral: false, localhost: false, private: false, metadataEndpoint: false }
  }
  const metadataEndpoint = METADATA_HOSTS.has(host)
  if (ipaddr.isValid(host)) {
    const addr = ipaddr.process(host)
    const range = addr.range()
    const localhost = range === 'loopback'
    const isPublic = range === 'unicast'
    return { host, ipLiteral: true, localhost, private: !isPublic, metadataEndpoint }
  }
  const localhost = host === 'localhost' || host.endsWith('.localhost')
  const singleLabel = !host.includes('.')
  const privateName = localhost || singleLabel || PRIVATE_SUFFIXES.some((s) => host.endsWith(s)) ||
    host === 'host.docker.internal'
  return { host, ipLiteral: false, localhost, private: privateName, metadataEndpoint }
}

/** Parses `url`; a missing scheme is read as `https://`. Never throws. */
export function classifyUrl(url: string): UrlFacts {
  const text = url.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`
  let parsed: URL | undefined
  try {
    parsed = new URL(withScheme)
  } catch {
    parsed = undefined
  }
  if (parsed === undefined || text === '') {
    return { ...classifyHost(''), valid: false, scheme: '', https: false, credentials: false,
      querySecret: false, path: '' }
  }
  const scheme = parsed.protocol.replace(/:$/, '')
  return {
    ...classifyHost(parsed.hostname),
    valid: true,
    scheme,
    https: scheme === 'https',
    credentials: parsed.username !== '' || parsed.password !== '',
    querySecret: SECRET_QUERY.test(parsed.search),
    path: parsed.pathname,
  }
}

function urlFactsJson(args: readonly JsonValue[]): JsonValue {
  const v = args[0]
  const f = classifyUrl(typeof v === 'string' ? v : '')
  return {
    valid: f.valid,
    scheme: f.scheme,
    host: f.host,
    path: f.path,
    https: f.https,
    ip_literal: f.ipLiteral,
    localhost: f.localhost,
    private: f.private,
    metadata_endpoint: f.metadataEndpoint,
    credentials: f.credentials,
    query_secret: f.querySecret,
  } satisfies JsonObject
}

export const URL_HELPERS: readonly HelperDef[] = [
  {
    name: 'url_facts',
    arity: 1,
    description:
      'url_facts(url) → {valid, scheme, host, path, https, ip_literal, localhost, private, ' +
      'metadata_endpoint, credentials, query_secret}; a missing scheme reads as https.',
    fn: urlFactsJson,
  },
]
