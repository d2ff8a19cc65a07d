/** The 13 closed helpers of the reference engine (docs/packs-format.md § helpers). */
import type { JsonValue } from '../types.ts'
import { parseF64 } from '../conditions/values.ts'
import { str, trimUnicode, type HelperDef } from './types.ts'

/** Text after the first `@` up to the next `@`, or undefined without `@`. */
function domainOf(address: string): string | undefined {
  const at = address.indexOf('@')
  if (at < 0) return undefined
  const rest = address.slice(at + 1)
  const next = rest.indexOf('@')
  return next < 0 ? rest : rest.slice(0, next)
}

function recipientScope(args: readonly JsonValue[]): JsonValue {
  const recipients = args[0]
  const org = str(args, 1)
  let emails: string[]
  if (typeof recipients === 'string') emails = recipients.split(',').map(trimUnicode)
  else if (Array.isArray(recipients)) emails = recipients.filter((r): r is string => typeof r === 'string')
  else return 'unknown'
  if (emails.length === 0) return 'unknown'
  let internal = false
  let external = false
  let self = false
  for (const email of emails) {
    const domain = domainOf(email)
    if (domain === undefined) continue
    if (domain === org) {
      internal = true
      if (emails.length === 1) self = true
    } else {
      external = true
    }
  }
  if (self && !external) return 'self'
  if (internal && external) return 'mixed'
  if (external) return 'external'
  return 'internal'
}

function stripScheme(s: string): string {
  if (s.startsWith('https://')) return s.slice(8)
  if (s.startsWith('http://')) return s.slice(7)
  return s
}

function cutAt(s: string, ch: string): string {
  const i = s.indexOf(ch)
  return i < 0 ? s : s.slice(0, i)
}

function urlHost(s: string): string {
  return cutAt(cutAt(stripScheme(s), '/'), ':')
}

const PRIVATE_PREFIXES = [
  '10.', '192.168.', '172.16.', '172.17.', '172.18.', '172.19.', '172.2', '172.30.', '172.31.',
]

const FILE_TYPES: ReadonlyMap<string, string> = new Map([
  ...['rs', 'py', 'js', 'ts', 'go', 'java', 'c', 'cpp', 'rb', 'swift', 'kt', 'sh', 'bash', 'zsh', 'ps1'].map(
    (e): [string, string] => [e, 'code'],
  ),
  ...['json', 'csv', 'xml', 'parquet', 'avro', 'sql', 'db', 'sqlite'].map((e): [string, string] => [e, 'data']),
  ...['yaml', 'yml', 'toml', 'ini', 'conf', 'cfg', 'env', 'properties'].map((e): [string, string] => [e, 'config']),
  ...['exe', 'dll', 'so', 'dylib', 'bin', 'wasm', 'zip', 'tar', 'gz'].map((e): [string, string] => [e, 'binary']),
])

/** Round half away from zero, saturating at ±(2^53 − 1); NaN → 0. */
function roundCents(x: number): number {
  if (Number.isNaN(x)) return 0
  const r = Math.sign(x) * Math.round(Math.abs(x))
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, r)) || 0
}

// Unicode-aware \d and \b, as in the Rust regex dialect.
const D = '\\p{Nd}'
const WORD = '[\\p{L}\\p{M}\\p{Nd}\\p{Pc}]'
const B_START = `(?<!${WORD})`
const B_END = `(?!${WORD})`
const SSN = new RegExp(`${B_START}${D}{3}-${D}{2}-${D}{4}${B_END}`, 'u')
const PHONE = new RegExp(`${B_START}${D}{3}[-.]?${D}{3}[-.]?${D}{4}${B_END}`, 'u')

const utf8 = new TextEncoder()

export const CORE_HELPERS: readonly HelperDef[] = [
  {
    name: 'recipient_scope',
    arity: 2,
    description: 'self | internal | external | mixed | unknown for recipients vs the org domain',
    fn: recipientScope,
  },
  {
    name: 'extract_domain',
    arity: 1,
    description: 'text after the first @ up to the next @ ("" without @)',
    fn: (args) => domainOf(str(args, 0)) ?? '',
  },
  {
    name: 'classify_destination',
    arity: 2,
    description: 'unknown (empty) | internal (equal to arg 2) | external',
    fn: (args) => {
      const account = str(args, 0)
      if (account === '') return 'unknown'
      return account === str(args, 1) ? 'internal' : 'external'
    },
  },
  {
    name: 'count_pipes',
    arity: 1,
    description: 'number of | characters',
    fn: (args) => str(args, 0).split('|').length - 1,
  },
  {
    name: 'is_private_ip',
    arity: 1,
    description: 'host of a URL/address is private (10/8, 192.168/16, 172.16-31, localhost, 127.0.0.1)',
    fn: (args) => {
      const host = urlHost(str(args, 0))
      return (
        PRIVATE_PREFIXES.some((p) => host.startsWith(p)) ||
        host === 'localhost' ||
        host === '127.0.0.1' ||
        host === '::1'
      )
    },
  },
  {
    name: 'parse_path_depth',
    arity: 1,
    description: 'count of non-empty /-separated segments',
    fn: (args) => str(args, 0).split('/').filter((s) => s !== '').length,
  },
  {
    name: 'classify_file_type',
    arity: 1,
    description: 'code | data | config | binary | unknown from the extension',
    fn: (args) => {
      const name = str(args, 0)
      const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase()
      return FILE_TYPES.get(ext) ?? 'unknown'
    },
  },
  {
    name: 'extract_amount_cents',
    arity: 2,
    description: 'integer amounts pass through (cents); decimals and numeric strings × 100, rounded',
    fn: (args) => {
      const v = args[0]
      if (typeof v === 'number') return Number.isInteger(v) ? v : roundCents(v * 100)
      if (typeof v === 'string') {
        const f = parseF64(v)
        return f === undefined ? 0 : roundCents(f * 100)
      }
      return 0
    },
  },
  {
    name: 'detect_pii_patterns',
    arity: 1,
    description: 'SSN-like, phone-like, or contains both @ and .',
    fn: (args) => {
      const s = str(args, 0)
      return SSN.test(s) || (s.includes('@') && s.includes('.')) || PHONE.test(s)
    },
  },
  {
    name: 'url_host',
    arity: 1,
    description: 'host of a URL (scheme stripped, cut at / then :)',
    fn: (args) => urlHost(str(args, 0)),
  },
  {
    name: 'url_path',
    arity: 1,
    description: 'path of a URL up to ? ("/" when none)',
    fn: (args) => {
      const rest = stripScheme(str(args, 0))
      const slash = rest.indexOf('/')
      return slash < 0 ? '/' : cutAt(rest.slice(slash), '?')
    },
  },
  {
    name: 'string_length',
    arity: 1,
    description: 'UTF-8 byte length of a string (0 otherwise)',
    fn: (args) => {
      const v = args[0]
      return typeof v === 'string' ? utf8.encode(v).length : 0
    },
  },
  {
    name: 'list_length',
    arity: 1,
    description: 'element count of a list (0 otherwise)',
    fn: (args) => {
      const v = args[0]
      return Array.isArray(v) ? v.length : 0
    },
  },
]
