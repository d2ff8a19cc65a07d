/**
 * Where the guard itself lives: permit0's configuration, packs, data dir, keys and installed
 * files, and the host's (Claude Code's) settings and hook scripts. The default packs deny an
 * agent's writes to these places, reads of permit0's secrets, and calls to permit0's own API, so
 * an agent cannot rewrite, silence or approve its own guard. One list, used by the shell analysis,
 * the file tools and the web tools alike. Pure string work on resolved POSIX paths.
 */

/** permit0's secrets: reading them lets an agent approve its own calls or forge the audit. */
const GUARD_SECRET_BASENAMES = new Set([
  'reviewer-token', 'audit-key', 'audit-key.pem', 'audit.key', 'audit-signing.key', 'tokens.json', 'token-secret',
  'link-secret', 'trusted-packs.json',
])

/** Secret names distinctive enough to be permit0's in any directory. */
const GUARD_SECRET_ANYWHERE = new Set(['reviewer-token', 'link-secret', 'token-secret', 'trusted-packs.json'])

/**
 * permit0's home: `~/.permit0/…` anywhere, its XDG/macOS/Windows config and data dirs, and the system locations a package install uses
 * (`/etc/permit0`, `/var/lib/permit0`, …). A project checkout that happens to be named `permit0`
 * is not the guard's (its own packs are only loaded through pinned trust).
 */
const PERMIT0_DIR = /(\/\.permit0(\/|$))|\/(\.config|\.local\/share|\.local\/state|\.cache|Library\/Application Support|Library\/Preferences|AppData\/(Roaming|Local))\/permit0(\/|$)|^\/(etc|var\/lib|var\/run|run|opt|usr\/local\/etc|usr\/share|srv)\/permit0(\/|$)/
/** permit0's own configuration files wherever they are. */
const PERMIT0_CONFIG = /(^|\/)(permit0\.ya?ml|\.permit0\.ya?ml|permit0\.config\.[cm]?[jt]s)$/
/** The installed CLI and packages (the scope directory itself too), and the `permit0` bin links. */
const PERMIT0_INSTALL = /(^|\/)node_modules\/(@permit0(\/|$)|permit0(\/|$)|\.pnpm\/@permit0\+)|\/(bin|node_modules\/\.bin)\/permit0$|(^|\/)@permit0\/(cli|engine)\/(packs|dist|bin|package\.json)(\/|$)/

/** Claude Code settings and hooks: user, project, local and managed. */
const HOST_SETTINGS = [
  /\/\.claude$/,
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
  // the data dir can be moved anywhere (PERMIT0_DATA_DIR); these names are permit0's own wherever they are
  if (GUARD_SECRET_ANYWHERE.has(base)) return GuardLocation.Secret
  if (inPermit0 && (GUARD_SECRET_BASENAMES.has(base) || /\.(key|pem)$/.test(base) || /token|secret|credential|passw|private/.test(base))) return GuardLocation.Secret
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

// ── credentials and persistence: the one list every tool (Bash, Read/Write/Edit, MCP file tools) uses ──

/** File names that hold credentials wherever they are. */
export const CREDENTIAL_BASENAMES: ReadonlySet<string> = new Set([
  '.env', '.netrc', '_netrc', '.npmrc', '.pypirc', '.pgpass', '.my.cnf', '.git-credentials', '.htpasswd',
  'credentials', 'credentials.json', 'credentials.yml', 'credentials.yaml', 'credentials.toml', 'credentials.db',
  '.credentials.json', 'access_tokens.db', 'legacy_credentials', 'application_default_credentials.json',
  'secrets.json', 'secrets.yml', 'secrets.yaml', 'secrets.toml', 'secret.json', 'kubeconfig',
  'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_ecdsa_sk', 'id_ed25519_sk', 'identity',
  'master.key', 'terraform.tfstate', 'terraform.tfstate.backup', 'credentials.tfrc.json', 'wallet.dat',
  '.vault-token', 'token.json', 'client_secret.json', 'auth.json', 'hosts.yml', 'oauth_creds.json',
  'login data', 'login data for account', 'cookies', 'web data', 'logins.json', 'key3.db', 'key4.db',
  'cookies.sqlite', 'signons.sqlite', 'login.keychain', 'login.keychain-db', '.s3cfg', '.boto', 'rclone.conf',
  'shadow', 'gshadow', 'shadow-', 'gshadow-', 'master.passwd', 'environ', 'access-token', '.dockercfg',
  'gradle.properties', 'settings-security.xml', 'nuget.config', 'firebase-tools.json', '.pgpass.conf',
  // Android debug key, ngrok authtoken, shell and REPL histories (typed tokens and passwords end up there)
  'adbkey', 'ngrok.yml', '.bash_history', '.zsh_history', '.sh_history', '.history', '.psql_history',
  '.mysql_history', '.python_history', '.node_repl_history', '.sqlite_history', '.rediscli_history', '.irb_history',
  '.pry_history', '.lesshst', '.viminfo',
])
/** Extensions of key and credential containers. */
export const CREDENTIAL_EXTENSIONS: ReadonlySet<string> = new Set([
  'pem', 'key', 'p12', 'pfx', 'jks', 'keystore', 'ppk', 'kdbx', 'kdb', 'tfstate', 'gpg', 'asc', 'ovpn',
  'keychain', 'keychain-db', 'age',
])
/** Directories whose every file is a credential (matched with a trailing `/`, so the directory itself counts). */
export const CREDENTIAL_DIRS: readonly string[] = [
  '/.ssh/', '/.aws/', '/.gnupg/', '/.kube/', '/.azure/', '/.config/gcloud/', '/.docker/', '/.password-store/',
  '/.config/gh/', '/.config/glab-cli/', '/.oci/', '/.config/doctl/', '/.config/hcloud/', '/.terraform.d/',
  '/.cargo/credentials', '/.gem/credentials', '/.config/op/', '/.op/', '/.local/share/keyrings/',
  '/library/keychains/', '/.mozilla/firefox/', '/.config/google-chrome/', '/.config/chromium/',
  '/.config/bravesoftware/', '/.config/microsoft-edge/', '/library/application support/google/chrome/',
  '/library/application support/firefox/', '/library/application support/bravesoftware/',
  '/library/application support/microsoft edge/', '/library/cookies/', '/.vault/', '/.config/sops/',
  '/.claude/.credentials', '/.config/claude/', '/.codex/auth', '/.config/github-copilot/', '/.gemini/oauth',
  '/.config/rclone/', '/.config/hub', '/.composer/auth', '/.m2/settings', '/.fly/', '/.supabase/',
  '/.wrangler/', '/.local/share/com.vercel.cli/', '/.config/heroku/', '/.heroku/', '/.netlify/',
  '/var/run/secrets/', '/run/secrets/', '/etc/ssl/private/', '/.ssh-agent', '/.config/age/',
  '/.ngrok2/', '/.config/ngrok/', '/.railway/', '/.config/pip/', '/.config/code/user/globalstorage/',
  '/library/application support/code/user/globalstorage/', '/.local/share/fish/fish_history', '/.vercel/',
]
/** SSH files that are public or configuration, not keys (`~/.ssh/config` is persistence). */
export const PUBLIC_SSH_FILES = /(\.pub|known_hosts|known_hosts\.old|config|authorized_keys2?)$/
/** `.env.example` and friends document variables; they hold no secrets. */
export const ENV_TEMPLATE = /^\.env(\.[a-z0-9_-]+)*\.(example|sample|template|dist|defaults?)$/

/** Files that run code at login, on a schedule, on a git event, or grant access. */
export const PERSISTENCE_BASENAMES: ReadonlySet<string> = new Set([
  '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.profile', '.zshrc', '.zprofile', '.zshenv',
  '.zlogin', '.zlogout', '.cshrc', '.tcshrc', '.kshrc', '.mkshrc', 'config.fish', 'authorized_keys',
  'authorized_keys2', 'crontab', 'sudoers', '.gitconfig', 'rc.local', '.xinitrc', '.xprofile', '.xsession',
  '.envrc', '.vimrc', '.exrc', '.pam_environment', 'environment', 'ld.so.preload', '.inputrc', '.tmux.conf',
  '.screenrc', '.npmrc',
  // code an editor, agent host or git hook manager runs without being asked (CI configs: path.ts CI_PATTERNS)
  '.mcp.json', 'devcontainer.json', '.devcontainer.json', '.pre-commit-config.yaml', '.lefthook.yml', 'lefthook.yml',
  // code a package manager loads on every install or run: pnpm hooks, yarn's `yarnPath`/plugins, bun's `preload`
  '.pnpmfile.cjs', 'pnpmfile.cjs', '.pnpmfile.mjs', '.yarnrc.yml', '.yarnrc', 'bunfig.toml',
])
export const PERSISTENCE_DIRS: readonly string[] = [
  '/etc/cron', '/var/spool/cron', '/etc/systemd/', '/.config/systemd/', '/lib/systemd/', '/usr/lib/systemd/',
  '/library/launchagents/', '/library/launchdaemons/', '/etc/init.d/', '/etc/init/', '/etc/sudoers.d/',
  '/.config/autostart/', '/etc/profile.d/', '/.git/hooks/', '/.husky/', '/etc/xdg/autostart/', '/etc/pam.d/',
  '/etc/update-motd.d/', '/.config/fish/conf.d/', '/.oh-my-zsh/custom/', '/etc/network/if-up.d/',
  '/.ssh/config', '/.ssh/rc', '/etc/ssh/sshd_config', '/etc/rc', '/.local/share/systemd/',
  '/library/startupitems/', '/etc/periodic/', '/etc/anacrontab', '/.config/git/hooks/',
  '/.vscode/tasks.json', '/.devcontainer/',
  // editor settings that name programs it starts (terminal profiles, interpreter and tool paths) and
  // launch configurations; Claude Code commands, agents, skills and output styles (their front
  // matter declares hooks and allowed tools, `!` lines run shell commands when invoked)
  '/.vscode/settings.json', '/.vscode/launch.json', '/.config/code/user/settings.json', '/.config/code/user/tasks.json',
  '/library/application support/code/user/settings.json', '/library/application support/code/user/tasks.json',
  '/.claude/commands/', '/.claude/agents/', '/.claude/skills/', '/.claude/output-styles/',
  '/.ipython/profile_default/startup/', '/.config/fish/config.fish',
]

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1)
}

/** Whether an absolute, normalized, lower-cased path holds credentials. */
export function isCredentialLocation(lower: string): boolean {
  const base = baseName(lower)
  const slashed = `/${lower.replace(/^\//, '')}/`
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : ''
  if (base === '.env' || (base.startsWith('.env.') && !ENV_TEMPLATE.test(base))) return true
  if (/^\/proc\/[^/]+\/environ$/.test(lower)) return true
  if (base === 'environ' && !lower.startsWith('/proc/')) return false
  if (base === 'environment' || base === 'config' || base === 'hosts.yml' && !slashed.includes('/gh/') && !slashed.includes('/glab')) {
    // generic names: only inside a credential directory
  } else if (CREDENTIAL_BASENAMES.has(base) || CREDENTIAL_EXTENSIONS.has(ext) || /^service[-_]?account.*\.json$/.test(base) || /^ssh_host_[a-z0-9]+_key$/.test(base)) {
    if (!(['shadow', 'gshadow', 'shadow-', 'gshadow-', 'master.passwd'].includes(base) && !lower.startsWith('/etc/'))) return true
  }
  if (slashed.includes('/.ssh/')) return !PUBLIC_SSH_FILES.test(base) && !/\/\.ssh\/?$/.test(lower) ? true : /\/\.ssh\/?$/.test(lower)
  if (slashed.includes('/.docker/')) return base === 'config.json' || /\/\.docker\/?$/.test(lower)
  return CREDENTIAL_DIRS.some((d) => slashed.includes(d))
}

/** Whether an absolute, normalized, lower-cased path is a persistence location (a persistence directory itself counts). */
export function isPersistenceLocation(lower: string): boolean {
  const slashed = `/${lower.replace(/^\//, '').replace(/\/+$/, '')}/`
  return PERSISTENCE_BASENAMES.has(baseName(lower)) && !(baseName(lower) === 'environment' && !lower.startsWith('/etc/')) ||
    baseName(lower).endsWith('.code-workspace') ||
    PERSISTENCE_DIRS.some((d) => slashed.includes(d))
}

/**
 * Manifests whose scripts a package manager runs on the next install, for anyone, without asking:
 * npm/pnpm/yarn/bun lifecycle scripts (`preinstall`, `postinstall`, `prepare`, …) in `package.json`,
 * Composer's `post-install-cmd`/`post-update-cmd`/… in `composer.json`. Not persistence by name:
 * editing dependencies or the version is everyday work, so a file tool's write is judged by its text
 * (the claude-code pack's rules); a shell write (`sed -i`, `> file`, `mv tmp package.json`, …) cannot
 * be read for which key it changes and needs a person.
 */
export const SCRIPTED_MANIFESTS: ReadonlySet<string> = new Set(['package.json', 'composer.json'])

/**
 * Whether an absolute, normalized path is a scripted manifest (`SCRIPTED_MANIFESTS`); a glob in the
 * last segment counts when it can match one (`*.json`, `*`, `pack{age,}.json`).
 */
export function isScriptedManifest(path: string): boolean {
  const name = baseName(path.replace(/\/+$/, '')).toLowerCase()
  if (SCRIPTED_MANIFESTS.has(name)) return true
  if (!/[*?[{]/.test(name)) return false
  const re = globRegExp(name)
  return [...SCRIPTED_MANIFESTS].some((m) => re.test(m))
}

/** A shell glob of one path segment as a regular expression (`*`, `?`, `[…]`, `{a,b}`). */
export function globRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] as string
    if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) out += '\\['
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else if (c === '{') out += '(?:'
    else if (c === '}') out += ')'
    else if (c === ',' && out.includes('(?:')) out += '|'
    else out += c.replace(/[.+^$()|\\]/g, '\\$&')
  }
  try {
    return new RegExp(`^${out}$`)
  } catch {
    return /^/
  }
}

/** Shell and REPL history files: rewriting or deleting them erases the record of what was run. */
export function isHistoryFile(path: string): boolean {
  return /^\.[a-z0-9_]+_history$|^(zsh|fish)_history$/.test(baseName(path.replace(/\/+$/, '')).toLowerCase())
}
