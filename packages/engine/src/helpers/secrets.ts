/**
 * Secret detection in free text (message bodies, file contents pushed to GitHub, gists, comments,
 * URLs, headers), shared by every pack through one helper, `secret_facts(value)`.
 *
 * The rule set is secretlint's maintained recommended preset
 * (`@secretlint/secretlint-rule-preset-recommend`, pinned at 11.7.1 — the last major that runs on
 * Node 20; 12+ need Node 22): AWS, GCP service-account keys, private keys, npm, basic-auth URLs,
 * Slack, SendGrid, Shopify, GitHub, OpenAI, Anthropic, Linear, 1Password, database connection
 * strings. Its rules are plain regex scanners behind a `create(context).file(source)` interface;
 * we drive them synchronously over an in-memory source (no file path, so no rule touches the file
 * system), which keeps the engine pure. Chosen over gitleaks' rule set (Go RE2 TOML, no maintained
 * npm package) and `detect-secrets` ports (unmaintained).
 *
 * The preset does not cover a few classes an agent commonly leaks, so `SUPPLEMENTARY` adds them
 * (each named after the class, not an example string): JWTs, Google API keys, Stripe secret keys,
 * GitLab tokens, bare PEM private-key headers, raw 40-character AWS secret keys, credential
 * assignments (`password=…`, `"api_key": "…"`), bearer tokens, and vendor prefixes (GitHub, Slack,
 * OpenAI, Anthropic, npm) without secretlint's exact-length pins.
 */
import { rules as SECRETLINT_RULES } from '@secretlint/secretlint-rule-preset-recommend'
import type { JsonObject, JsonValue } from '../types.ts'
import type { HelperDef } from './types.ts'

/** Text beyond this many UTF-16 units is not scanned; the facts say so (`oversized`). */
export const SECRET_SCAN_LIMIT = 262_144

export interface SecretFacts {
  /** Some secret was found. */
  readonly found: boolean
  /** What was found: secretlint message ids (`AWSSecretAccessKey`, `SLACK_TOKEN`, …) and ours. */
  readonly kinds: readonly string[]
  /** The text was longer than `SECRET_SCAN_LIMIT`; only its start was scanned. */
  readonly oversized: boolean
}

/** The slice of secretlint's rule API the preset's scanners use. */
interface RuleContext {
  report(descriptor: { message: unknown }): void
  ignore(descriptor: unknown): void
  createTranslator(messages: unknown): (id: string, data?: unknown) => string
  registerRule(rule: unknown): void
}
interface RuleCreator {
  readonly meta: { readonly id: string }
  create(context: RuleContext, options: Record<string, unknown>): { file?: (source: unknown) => unknown }
}

/** Rules whose options widen detection (AWS access key ids are off by default in the preset). */
const RULE_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  '@secretlint/secretlint-rule-aws': { enableIDScanRule: true },
}
/** Comment directives (`secretlint-disable`) must not let a body silence its own scan. */
const SKIPPED_RULES = new Set(['@secretlint/secretlint-rule-filter-comments'])
/** Placeholder values that document a variable rather than hold one. */
const PLACEHOLDER = /^(<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|x{4,}|\*{3,}|\.{3,}|(your|my|example|sample|dummy|changeme|placeholder|redacted|none|null|undefined|test|todo)[-_a-z0-9]*)$/i

interface Supplementary {
  readonly kind: string
  readonly re: RegExp
  /** Extra check on the captured value (group 1, else the whole match). */
  readonly accept?: (value: string) => boolean
}

function entropy(s: string): number {
  const counts = new Map<string, number>()
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let h = 0
  for (const n of counts.values()) {
    const p = n / s.length
    h -= p * Math.log2(p)
  }
  return h
}

const longestRun = (v: string, re: RegExp): number => Math.max(0, ...(v.match(re) ?? []).map((r) => r.length))

/** Random base64 (a key), not a path or identifier: both cases in bulk, a digit, no long words. */
const randomBase64 = (v: string): boolean =>
  (v.match(/[a-z]/g)?.length ?? 0) >= 8 && (v.match(/[A-Z]/g)?.length ?? 0) >= 10 && /[0-9]/.test(v) &&
  entropy(v) >= 4.2 && longestRun(v, /[a-z]+/g) <= 9 && !v.startsWith('/') && !v.includes('//')

/** A value assigned to a credential-named key that is a literal, not a reference or placeholder. */
const literalCredential = (v: string): boolean =>
  !PLACEHOLDER.test(v) && !/[()[\]{}$<>]/.test(v) && !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(v) &&
  (/[0-9]/.test(v) || (v.length >= 12 && entropy(v) >= 3.0))

const SUPPLEMENTARY: readonly Supplementary[] = [
  { kind: 'JWT', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'GoogleAPIKey', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'GoogleOAuthToken', re: /\bya29\.[0-9A-Za-z_-]{20,}/ },
  { kind: 'StripeSecretKey', re: /\b[rs]k_(live|test)_[0-9A-Za-z]{16,}/ },
  { kind: 'GitLabToken', re: /\bgl(pat|dt|ptt|rt|cbt)-[0-9A-Za-z_-]{20,}/ },
  { kind: 'GitHubFineGrainedToken', re: /\bgithub_pat_[0-9A-Za-z_]{40,}/ },
  // Vendor prefixes with a length tolerance: secretlint pins exact lengths, a truncated or
  // re-generated token of another length is still a token.
  { kind: 'GITHUB_TOKEN', re: /\bgh[pousr]_[0-9A-Za-z_]{30,}/ },
  { kind: 'SLACK_TOKEN', re: /\bxox[abposre]-[0-9A-Za-z-]{10,}/ },
  { kind: 'OPENAI_API_KEY', re: /\bsk-(?:proj-|svcacct-|admin-)?[0-9A-Za-z_-]{40,}/ },
  { kind: 'ANTHROPIC_API_KEY', re: /\bsk-ant-[a-z]{3}[0-9]{2}-[0-9A-Za-z_-]{20,}/ },
  { kind: 'NPM_ACCESS_TOKEN', re: /\bnpm_[0-9A-Za-z]{30,}/ },
  { kind: 'AWSAccessKeyID', re: /\b(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}\b/ },
  { kind: 'PrivateKey', re: /-----BEGIN[ A-Z0-9]*PRIVATE KEY( BLOCK)?-----/ },
  { kind: 'SlackWebhook', re: /hooks\.slack\.com\/(services|workflows)\/[A-Za-z0-9/_-]{20,}/ },
  {
    // A bare AWS secret access key: 40 base64 characters of mixed case with digits, on its own.
    kind: 'AWSSecretAccessKey',
    re: /(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
    accept: randomBase64,
  },
  {
    // `password = hunter2hunter2`, `"api_key": "…"`, `token: …`, `Authorization: Bearer …`.
    kind: 'CredentialAssignment',
    re: /(?:^|[^A-Za-z0-9])["']?(?:[A-Za-z0-9]+[_-])*(?:password|passwd|passphrase|pwd|pw|secret|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|access[_-]?token|refresh[_-]?token|client[_-]?secret|private[_-]?key|token)["']?\s*(?:[:=]|=>)\s*["']?([^\s"',;&]{8,})/gi,
    accept: literalCredential,
  },
  { kind: 'BearerToken', re: /\b(?:Bearer|Token)\s+([A-Za-z0-9._~+/=-]{20,})/, accept: (v) => !PLACEHOLDER.test(v) },
]

/** Where the current scan's reports go (scans are synchronous, so one sink suffices). */
let sink: Set<string> | undefined

/** Each preset rule instantiated once, at import; its `file` handler is called per scan. */
const SECRETLINT_SCANNERS: readonly { readonly id: string; readonly file: (source: unknown) => unknown }[] =
  (SECRETLINT_RULES as unknown as readonly RuleCreator[])
    .filter((rule) => !SKIPPED_RULES.has(rule.meta.id))
    .flatMap((rule) => {
      const context: RuleContext = {
        report: ({ message }) => sink?.add(typeof message === 'string' ? message : rule.meta.id),
        ignore: () => undefined,
        createTranslator: () => (id) => id,
        registerRule: () => undefined,
      }
      const file = rule.create(context, RULE_OPTIONS[rule.meta.id] ?? {}).file
      return file === undefined ? [] : [{ id: rule.meta.id, file }]
    })

function runSecretlint(content: string, kinds: Set<string>): void {
  sink = kinds
  try {
    for (const scanner of SECRETLINT_SCANNERS) {
      try {
        const result = scanner.file({ content, ext: '', contentType: 'text', sourceContentType: 'text' })
        // Only the PKCS#12 scanner is asynchronous, and it returns at once without a file path.
        if (result instanceof Promise) result.catch(() => undefined)
      } catch {
        // A rule that throws on odd input must not hide what others find; nothing is allowed by it.
        kinds.add('ScannerError')
      }
    }
  } finally {
    sink = undefined
  }
}

/** The supplementary patterns compiled once, global, for an `exec` loop. */
const SUPPLEMENTARY_GLOBAL = SUPPLEMENTARY.map((x) => ({
  ...x,
  re: new RegExp(x.re.source, x.re.flags.includes('g') ? x.re.flags : `${x.re.flags}g`),
}))

function runSupplementary(content: string, kinds: Set<string>): void {
  for (const s of SUPPLEMENTARY_GLOBAL) {
    if (kinds.has(s.kind)) continue
    s.re.lastIndex = 0
    for (let m = s.re.exec(content); m !== null; m = s.re.exec(content)) {
      const value = m[1] ?? m[0]
      if (s.accept === undefined || s.accept(value)) {
        kinds.add(s.kind)
        break
      }
      if (m[0] === '') s.re.lastIndex += 1
    }
  }
}

/**
 * Every secretlint scanner looks for a token of at least 16 characters without white space (keys,
 * tokens, URLs with credentials, PEM bodies); prose without such a run cannot match any of them,
 * so the preset is skipped there (the supplementary classes, which include short
 * `password: …` assignments, always run).
 */
const LONG_TOKEN = /[^\s"'`<>()[\]{},;]{16,}|-----BEGIN/

/** Scans `text` with secretlint's recommended preset plus the supplementary classes. */
export function detectSecrets(text: string): SecretFacts {
  const oversized = text.length > SECRET_SCAN_LIMIT
  const content = oversized ? text.slice(0, SECRET_SCAN_LIMIT) : text
  const kinds = new Set<string>()
  if (content !== '') {
    if (LONG_TOKEN.test(content)) runSecretlint(content, kinds)
    runSupplementary(content, kinds)
    // URL-encoded bodies and query strings hide the same secrets behind `%2F`, `%3D`, `+`.
    if (/%[0-9A-Fa-f]{2}/.test(content)) {
      let decoded: string | undefined
      try {
        decoded = decodeURIComponent(content.replace(/\+/g, ' '))
      } catch {
        decoded = undefined
      }
      if (decoded !== undefined && decoded !== content) {
        if (LONG_TOKEN.test(decoded)) runSecretlint(decoded, kinds)
        runSupplementary(decoded, kinds)
      }
    }
  }
  return { found: kinds.size > 0, kinds: [...kinds].sort(), oversized }
}

/** Every string in a JSON value (object keys too, as `key: value` lines), joined for one scan. */
export function textOf(value: JsonValue | undefined): string {
  const parts: string[] = []
  const walk = (v: JsonValue | undefined, key?: string): void => {
    if (v === null || v === undefined) return
    if (typeof v === 'string') parts.push(key === undefined ? v : `${key}: ${v}`)
    else if (typeof v === 'number' || typeof v === 'boolean') {
      if (key !== undefined) parts.push(`${key}: ${String(v)}`)
    } else if (Array.isArray(v)) for (const x of v) walk(x)
    else for (const [k, x] of Object.entries(v)) walk(x, k)
  }
  walk(value)
  return parts.join('\n')
}

function secretFactsJson(args: readonly JsonValue[]): JsonValue {
  const f = detectSecrets(args.map((a) => textOf(a)).filter((t) => t !== '').join('\n'))
  return { found: f.found, kinds: [...f.kinds], oversized: f.oversized } satisfies JsonObject
}

export const SECRET_HELPERS: readonly HelperDef[] = [
  {
    name: 'secret_facts',
    arity: 1,
    variadic: true,
    description:
      'secret_facts(value, …) → {found, kinds, oversized}: secrets in any string of the values (objects ' +
      'and lists are walked) by secretlint\'s recommended preset plus JWT, Google API key, Stripe, ' +
      'GitLab, bare AWS secret key and credential-assignment classes; text beyond 256 KiB is not ' +
      'scanned and sets oversized.',
    fn: secretFactsJson,
  },
]
