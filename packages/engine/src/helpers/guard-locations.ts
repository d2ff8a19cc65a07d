/**
 * Where the guard itself lives: permit0's configuration, packs, data dir, keys and installed
 * files, and the host's (Claude Code's) settings and hook scripts. The default packs deny an
 * agent's writes to these places, reads of permit0's secrets, and calls to permit0's own API, so
 * an agent cannot rewrite, silence or approve its own guard. One list, used by the shell analysis,
 * the file tools and the web tools alike. Pure string work on resolved POSIX paths.
 */

/** permit0's secrets: reading them lets an agent approve its own calls or forge the audit. */
const GUARD_SECRET_BASENAMES = new Set([
  'reviewer-token', 'audit-key', 'audit-key.pem', 'audit.key', 'tokens.json', 'token-secret', 'link-secret',
])

/** A path segment that is permit0's home (`~/.permit0/…`, `/etc/permit0/…`). */
const PERMIT0_DIR = /\/(\.permit0|permit0)(\/|$)/
/** permit0's own configuration files wherever they are. */
const PERMIT0_CONFIG = /(^|\/)(permit0\.ya?ml|\.permit0\.ya?ml|permit0\.config\.[cm]?[jt]s)$/
/** The installed CLI and packages. */
const PERMIT0_INSTALL = /\/node_modules\/(@permit0\/|permit0\/|\.pnpm\/@permit0\+)/

/** Claude Code settings and hooks: user, project, local and managed. */
const HOST_SETTINGS = [
  /\/\.claude\/settings(\.local)?\.json$/,
  /\/\.claude\/hooks(\/|$)/,
  /\/\.claude\.json$/,
  /\/\.claude\/(commands|agents|skills)\/.*\.(sh|py|js|mjs|ts)$/,
  /\/etc\/claude-code(\/|$)/,
  /\/Library\/Application Support\/ClaudeCode(\/|$)/,
  /\/managed-settings\.json$/,
  /\/\.claude-plugin(\/|$)/,
]

export const GuardLocation = {
  /** Not the guard's. */
  None: 'none',
  /** permit0's or the host's configuration, packs, data, hooks, installed files: never written. */
  Config: 'config',
  /** permit0's secrets (reviewer token, API tokens, audit signing key): never read or written. */
  Secret: 'secret',
} as const
export type GuardLocation = (typeof GuardLocation)[keyof typeof GuardLocation]

/** Classifies an absolute, normalized path (see `resolvePath`). */
export function guardLocation(resolved: string): GuardLocation {
  const p = resolved.replace(/\/+$/, '')
  const base = p.slice(p.lastIndexOf('/') + 1).toLowerCase()
  const inPermit0 = PERMIT0_DIR.test(p)
  if (inPermit0 && (GUARD_SECRET_BASENAMES.has(base) || /\.(key|pem)$/.test(base))) return GuardLocation.Secret
  if (inPermit0 || PERMIT0_CONFIG.test(p) || PERMIT0_INSTALL.test(p)) return GuardLocation.Config
  if (HOST_SETTINGS.some((re) => re.test(p))) return GuardLocation.Config
  return GuardLocation.None
}

/** permit0's HTTP API paths. Any URL on them is the agent talking to its own guard. */
const GUARD_API_PATH = /^\/api\/v1\/(approvals|check|check_action|audit|lists|allowlist|denylist|policies|packs|tokens|calibration|hooks|admin|auth|session)(\/|$|\?)/i
/**
 * permit0's remote-approval routes (signed approve/deny links, Slack interactivity), on any host:
 * an agent that read a notification (its mailbox, a chat) must not follow the link itself.
 */
const GUARD_NOTIFY_PATH = /^\/notify\/(link|slack)(\/|$|\?)/i
/** The daemon's default port (`permit0 serve`). */
export const GUARD_DEFAULT_PORT = 9090

/**
 * Whether a URL (already split) addresses permit0's API: a permit0 API path on any host, or any
 * path on a loopback host at the daemon's default port.
 */
export function isGuardApi(host: string, port: number | undefined, rawPath: string, loopback: boolean): boolean {
  // As the server routes it: percent-escapes decoded (`/%6Eotify/…`), repeated slashes collapsed.
  const path = routedPath(rawPath)
  if (GUARD_API_PATH.test(path) || GUARD_NOTIFY_PATH.test(path) || /\/api\/v1\/approvals/i.test(path)) return true
  return loopback && port === GUARD_DEFAULT_PORT && host !== ''
}

function routedPath(path: string): string {
  let decoded = path
  try {
    decoded = decodeURIComponent(path)
  } catch {
    // malformed escapes: match the raw text
  }
  return decoded.replace(/\/{2,}/g, '/')
}
