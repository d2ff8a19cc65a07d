/**
 * Classifies one simple command (after unwrapping) into taxonomy operations: what it reads,
 * writes, deletes, sends, deploys. Per-program knowledge lives here; the line-level judgement
 * (reasons, combinations) is in `analyze.ts`.
 */
import { classifySql } from '../sql.ts'
import { classifyHost, classifyUrl } from '../url.ts'

/** One classified operation inside a command line. */
export interface Op {
  readonly action: string
  /** Higher is more dangerous; picks the representative action. */
  readonly rank: number
  readonly category: string
  /** Paths this operation acts on. */
  readonly targets: readonly string[]
  readonly writes: boolean
  /** A `find` delete narrowed by tests (`-name`, `-type`, `-mtime`, …): it does not take the whole root. */
  readonly filtered?: boolean
}

/** What the classifier needs to know about the command besides its argv. */
export interface CmdView {
  /** Here-document / here-string text fed to stdin. */
  readonly heredoc?: string
  /** `< file`. */
  readonly stdinFile?: string
  /** stdin comes from a pipe or a process substitution. */
  readonly piped: boolean
  /** Run by `xargs`: extra arguments come from stdin. */
  readonly xargs: boolean
}

export interface Ctx {
  hosts: string[]
  packages: string[]
  flags: Set<string>
  kubeContext?: string
  sql: string[]
}

export const RANK: Readonly<Record<string, number>> = {
  'file.delete_recursive': 100,
  'infra.terminate': 96,
  'db.drop': 95,
  'db.truncate': 94,
  'iam.assign_role': 92,
  'iam.reset_password': 91,
  'iam.create': 90,
  'iam.delete': 90,
  'iam.generate_api_key': 90,
  'db.grant_access': 89,
  'iam.update': 88,
  'secret.get': 87,
  'secret.create': 86,
  'secret.update': 86,
  'secret.delete': 86,
  'db.revoke_access': 86,
  'dev.deploy': 85,
  'dev.merge_pr': 82,
  'db.delete': 81,
  'dev.push_code': 80,
  'network.post': 78,
  'network.put': 78,
  'network.delete': 78,
  'file.upload': 77,
  'db.update': 76,
  'db.alter': 75,
  'infra.update': 74,
  'infra.scale': 73,
  'infra.create': 72,
  'db.restore': 72,
  'file.delete': 70,
  'dev.run_pipeline': 66,
  'secret.list': 64,
  'db.insert': 62,
  'db.create': 61,
  'db.export': 60,
  'process.run': 50,
  'dev.create': 48,
  'dev.update': 47,
  'dev.close_issue': 46,
  'file.move': 44,
  'file.update': 42,
  'file.create': 40,
  'file.copy': 38,
  'file.download': 34,
  'network.get': 30,
  'db.select': 25,
  'infra.get': 20,
  'dev.get': 15,
  'file.read': 12,
  'file.search': 10,
  'file.list': 8,
}
/** Harmless commands (`echo`, `pwd`, `git status`) rank below everything else. */
export const INFO_RANK = 1

export function op(action: string, category: string, targets: readonly string[] = [], writes = false): Op {
  return { action, rank: RANK[action] ?? 50, category, targets, writes }
}
export function info(category = 'info'): Op {
  return { action: 'process.run', rank: INFO_RANK, category, targets: [], writes: false }
}


export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'ash', 'busybox'])
export const INTERPRETERS = new Set(['python', 'python2', 'python3', 'node', 'nodejs', 'perl', 'ruby', 'php',
  'deno', 'bun', 'lua', 'Rscript', 'osascript', 'pwsh', 'powershell', 'expect', 'tclsh', 'wish', 'luajit', 'julia', 'guile', 'racket', 'sbcl', 'clojure', 'elixir', 'erl', 'escript', 'groovy', 'jshell', 'scala', 'kotlin', 'swift', 'ts-node', 'tsx', 'vite-node', 'zx'])
export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/

export function base(p: string): string {
  const i = p.lastIndexOf('/')
  return i < 0 ? p : p.slice(i + 1)
}

/** Skips option words; `withValue` options consume the next word too. */
export function skipOptions(argv: string[], from: number, withValue: ReadonlySet<string>): number {
  let i = from
  while (i < argv.length) {
    const a = argv[i] as string
    if (a === '--') return i + 1
    if (!a.startsWith('-') || a === '-') return i
    i += withValue.has(a) ? 2 : 1
  }
  return i
}

// ── classification per program ──────────────────────────────────────────────────────────────

export const READ_PROGRAMS = new Set(['cat', 'less', 'more', 'head', 'tail', 'bat', 'batcat', 'nl', 'od',
  'xxd', 'hexdump', 'strings', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'shasum', 'wc',
  'file', 'stat', 'readlink', 'realpath', 'base64', 'cksum', 'tac', 'view', 'zcat', 'jq', 'yq',
  'source', '.'])
export const LIST_PROGRAMS = new Set(['ls', 'tree', 'du', 'fd', 'fdfind', 'exa', 'eza', 'dir', 'locate', 'lsd'])
export const SEARCH_PROGRAMS = new Set(['grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'zgrep'])
export const INFO_PROGRAMS = new Set(['echo', 'printf', 'pwd', 'whoami', 'id', 'date', 'uname', 'hostname',
  'which', 'whereis', 'type', 'true', 'false', 'sleep', 'cd', 'pushd', 'popd', 'alias', 'history',
  'sort', 'uniq', 'cut', 'tr', 'diff', 'cmp', 'comm', 'column', 'seq', 'test', '[', '[[', 'basename',
  'dirname', 'man', 'help', 'df', 'free', 'uptime', 'ps', 'top', 'htop', 'lsof', 'netstat', 'ss',
  'export', 'unset', 'local', 'read', 'wait', 'jobs', 'fg', 'bg', 'clear', 'tput', 'locale',
  'nproc', 'lscpu', 'arch', 'cal', 'yes', 'expr', 'bc', 'awk', 'gawk', 'sed', 'paste', 'fold',
  'fmt', 'rev', 'shuf', 'join', 'split', 'iconv', 'envsubst', 'tldr', 'git-lfs', 'lsblk', 'mount',
  'ulimit', 'umask', 'getconf', 'sw_vers', 'defaults', 'xdg-open', 'open', 'code', 'say', 'notify-send',
  'set', 'shopt', 'trap', 'return', 'exit', 'break', 'continue', 'do', 'done', 'then', 'fi',
  'else', 'elif', 'if', 'for', 'while', 'until', 'case', 'esac', 'in', 'function', '{', '}', 'tee',
  'mktemp', 'ping', 'dig', 'nslookup', 'host', 'traceroute', 'whois'])
export const BUILD_PROGRAMS = new Set(['make', 'cmake', 'ninja', 'tsc', 'vitest', 'jest', 'mocha', 'pytest',
  'tox', 'nox', 'mvn', 'gradle', 'gradlew', './gradlew', 'ant', 'sbt', 'dotnet', 'java', 'javac',
  'rustc', 'gcc', 'g++', 'clang', 'clang++', 'cc', 'go', 'cargo', 'eslint', 'prettier', 'biome',
  'black', 'ruff', 'mypy', 'pyright', 'flake8', 'pylint', 'isort', 'tsx', 'ts-node', 'vite',
  'webpack', 'esbuild', 'rollup', 'turbo', 'nx', 'lerna', 'bazel', 'buck', 'swift', 'xcodebuild',
  'flutter', 'dart', 'mix', 'elixir', 'erl', 'rebar3', 'stack', 'cabal', 'ghc', 'zig', 'just',
  'task', 'rake', 'bundle', 'rspec', 'phpunit', 'playwright', 'cypress', 'storybook', 'next',
  'nuxt', 'astro', 'remix', 'svelte-kit', 'expo', 'react-native', 'hugo', 'jekyll', 'mkdocs',
  'sphinx-build', 'pre-commit', 'husky', 'lint-staged', 'shellcheck', 'hadolint', 'tflint',
  'golangci-lint', 'gofmt', 'rustfmt', 'clippy-driver', 'uvicorn', 'gunicorn', 'flask', 'django-admin',
  'manage.py', 'rails', 'alembic', 'prisma', 'drizzle-kit', 'knex', 'sequelize', 'typeorm', 'jupyter'])
export const NETWORK_PROGRAMS = new Set(['curl', 'wget', 'http', 'https', 'xh', 'httpie', 'nc', 'ncat',
  'netcat', 'socat', 'telnet', 'ftp', 'tftp', 'aria2c', 'lynx', 'w3m'])
export const DEPLOY_PROGRAMS = new Set(['vercel', 'netlify', 'fly', 'flyctl', 'firebase', 'wrangler',
  'heroku', 'serverless', 'sls', 'eb', 'cdk', 'amplify', 'railway', 'render', 'surge', 'now'])
const DISK_WIPERS = new Set(['mkfs', 'fdisk', 'sfdisk', 'parted', 'wipefs', 'sgdisk', 'gdisk',
  'cfdisk', 'diskutil', 'format'])

const PACKAGE_MANAGERS: Readonly<Record<string, { install: readonly string[]; lockfile?: readonly string[] }>> = {
  npm: { install: ['install', 'i', 'add', 'isntall', 'in'], lockfile: ['ci'] },
  pnpm: { install: ['add', 'install', 'i', 'dlx'], lockfile: [] },
  yarn: { install: ['add', 'install', 'dlx'], lockfile: [] },
  bun: { install: ['add', 'install', 'i', 'x'], lockfile: [] },
  pip: { install: ['install'] },
  pip3: { install: ['install'] },
  pipx: { install: ['install', 'run'] },
  uv: { install: ['add', 'pip', 'tool'], lockfile: ['sync'] },
  poetry: { install: ['add', 'install'] },
  pdm: { install: ['add', 'install'] },
  conda: { install: ['install'] },
  mamba: { install: ['install'] },
  cargo: { install: ['install', 'add'] },
  gem: { install: ['install'] },
  go: { install: ['install', 'get'] },
  composer: { install: ['require', 'install'] },
  apt: { install: ['install'] },
  'apt-get': { install: ['install'] },
  yum: { install: ['install'] },
  dnf: { install: ['install'] },
  apk: { install: ['add'] },
  pacman: { install: ['-S', '-Sy', '-Syu'] },
  zypper: { install: ['install', 'in'] },
  brew: { install: ['install', 'tap'] },
  port: { install: ['install'] },
  snap: { install: ['install'] },
  choco: { install: ['install'] },
  winget: { install: ['install'] },
  nix: { install: ['profile', 'install', 'shell', 'run'] },
  'nix-env': { install: ['-i', '-iA'] },
}
const INSTALL_VALUE_OPTS = new Set(['-r', '--requirement', '-c', '--constraint', '-e', '--editable',
  '--index-url', '-i', '--extra-index-url', '--target', '-t', '--prefix', '--registry', '--filter',
  '-w', '--workspace', '--save-prefix', '--tag'])

export function positional(argv: readonly string[], from = 1): string[] {
  const out: string[] = []
  for (let i = from; i < argv.length; i += 1) {
    const a = argv[i] as string
    if (a.startsWith('-') && a !== '-') continue
    out.push(a)
  }
  return out
}

export function hasFlag(argv: readonly string[], ...flags: string[]): boolean {
  return argv.some((a) => flags.includes(a) || flags.some((f) => f.startsWith('--') && a.startsWith(`${f}=`)))
}

/** Short-option cluster test: `-rf` has `r` and `f`. */
export function hasShort(argv: readonly string[], letter: string): boolean {
  return argv.some((a) => /^-[A-Za-z]+$/.test(a) && a.slice(1).includes(letter))
}

export function optionValue(argv: readonly string[], ...names: string[]): string | undefined {
  return optionValues(argv, ...names)[0]
}

/** Every value of a repeatable option (`psql -c a -c b`), in order. */
export function optionValues(argv: readonly string[], ...names: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string
    for (const n of names) {
      if (a === n) {
        if (i + 1 < argv.length) out.push(argv[i + 1] as string)
        i += 1
        break
      }
      if (n.startsWith('--') && a.startsWith(`${n}=`)) {
        out.push(a.slice(n.length + 1))
        break
      }
      if (!n.startsWith('--') && n.length === 2 && a.startsWith(n) && a.length > 2 && !a.startsWith('--')) {
        out.push(a.slice(2))
        break
      }
    }
  }
  return out
}


function addHostFromUrl(ctx: Ctx, url: string): void {
  const f = classifyUrl(url)
  if (f.valid && f.host !== '') ctx.hosts.push(f.host)
  if (f.credentials || f.querySecret) ctx.flags.add('secret_in_command')
}

export function looksLikeUrl(a: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(a) || /^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?(\/|$)/i.test(a)
}

export function classifyCurl(argv: readonly string[], ctx: Ctx): Op[] {
  const name = base(argv[0] as string)
  const targets: string[] = []
  let method = (optionValue(argv, '-X', '--request') ?? '').toUpperCase()
  let sendsData = false
  const valueOpts = new Set(['-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '-F',
    '--form', '--json', '-T', '--upload-file', '-H', '--header', '-o', '--output', '-u', '--user',
    '-X', '--request', '-A', '--user-agent', '-e', '--referer', '-b', '--cookie', '-c', '--cookie-jar',
    '--post-data', '--post-file', '--body-data', '--body-file', '-O', '--output-document', '-x',
    '--proxy', '--url', '-w', '--write-out', '--connect-timeout', '-m', '--max-time', '--retry',
    '--cacert', '--cert', '--key', '-E', '-K', '--config', '-P', '--directory-prefix', '--method'])
  for (let i = 1; i < argv.length; i += 1) {
    const a = argv[i] as string
    const eq = a.indexOf('=')
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a
    const inlineValue = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined
    if (['-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '-F', '--form', '--json',
      '--post-data', '--post-file', '--body-data', '--body-file'].includes(flag) ||
      /^-d./.test(a)) {
      sendsData = true
      const v = inlineValue ?? (/^-d./.test(a) ? a.slice(2) : argv[i + 1]) ?? ''
      const file = v.startsWith('@') ? v.slice(1) : /^[^=]*=@(.+)$/.exec(v)?.[1] ?? /^[^=]*=<(.+)$/.exec(v)?.[1]
      if (flag === '--post-file' || flag === '--body-file') targets.push(v)
      else if (file !== undefined && file !== '-' && file !== '') targets.push(file)
    }
    if (flag === '-T' || flag === '--upload-file') {
      sendsData = true
      method = method || 'PUT'
      const v = inlineValue ?? argv[i + 1]
      if (v !== undefined) targets.push(v)
    }
    if ((flag === '-H' || flag === '--header') && /authorization|api[-_]?key|token|cookie/i.test(inlineValue ?? argv[i + 1] ?? '')) {
      ctx.flags.add('auth_header')
      if (/(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{12,}/i.test(inlineValue ?? argv[i + 1] ?? '')) ctx.flags.add('secret_in_command')
    }
    if (flag === '-u' || flag === '--user') ctx.flags.add('auth_header')
    if (flag === '--url' && argv[i + 1] !== undefined) addHostFromUrl(ctx, argv[i + 1] as string)
    if (valueOpts.has(flag) && inlineValue === undefined && !/^-d./.test(a)) {
      i += 1
      continue
    }
    if (!a.startsWith('-') && looksLikeUrl(a)) addHostFromUrl(ctx, a)
  }
  if (name === 'http' || name === 'https' || name === 'xh' || name === 'httpie') {
    const m = positional(argv).find((a) => /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(a))
    if (m !== undefined) method = m
    if (positional(argv).some((a) => /^[A-Za-z0-9_.-]+(:=|=|@)/.test(a) && !looksLikeUrl(a))) sendsData = true
    for (const a of positional(argv)) if (looksLikeUrl(a) || a.startsWith(':')) addHostFromUrl(ctx, a.startsWith(':') ? `localhost${a}` : a)
  }
  if (['nc', 'ncat', 'netcat', 'socat', 'telnet'].includes(name)) {
    const pos = positional(argv)
    if (pos[0] !== undefined) ctx.hosts.push(classifyHost(pos[0]).host)
    return [op('network.post', 'raw_socket', targets)]
  }
  if (name === 'ftp' || name === 'tftp') return [op('file.upload', 'network', targets)]
  if (method === 'DELETE') return [op('network.delete', 'network', targets)]
  if (method === 'PUT') return [op('network.put', 'network', targets)]
  if (sendsData || method === 'POST' || method === 'PATCH') return [op('network.post', 'network', targets)]
  const output = curlOutput(argv)
  const writes = output !== undefined && output !== '-' && output !== '/dev/null' ? [output] : []
  // wget without -O, `curl -O`/`--remote-name`: the file is named after the URL's last segment
  if (name === 'wget' && output === undefined && !argv.includes('--spider') || name === 'curl' && argv.some((a) => a === '--remote-name' || a === '--remote-name-all' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(a) && !a.startsWith('--'))) {
    const dir = name === 'wget' ? optionValue(argv, '-P', '--directory-prefix') ?? '' : optionValue(argv, '--output-dir') ?? ''
    for (const u of argv.slice(1).filter((a) => /^(https?|ftp):\/\//i.test(a))) {
      const file = (u.split(/[?#]/)[0] ?? '').replace(/^[a-z]+:\/\/[^/]*/i, '').split('/').pop() ?? ''
      if (file !== '' && file !== '.' && file !== '..') writes.push(joinPath(dir, file))
    }
  }
  return [op('network.get', 'network', writes, writes.length > 0)]
}

/** curl's `-o file` / wget's `-O file`, also at the end of a cluster of short options (`-sLo file`). */
export function curlOutput(argv: readonly string[]): string | undefined {
  const direct = optionValue(argv, '-o', '--output', '-O', '--output-document')
  if (direct !== undefined) return direct
  const i = argv.findIndex((a) => /^-[a-zA-Z]+[oO]$/.test(a))
  return i > 0 ? argv[i + 1] : undefined
}

export function remoteSpec(a: string): string | undefined {
  // `user@host:path` or `host:path` (not `C:\…`, not URLs).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) return classifyUrl(a).host
  const m = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):/.exec(a)
  if (m === null || /^[A-Za-z]$/.test(m[1] as string)) return undefined
  return (m[1] as string).replace(/^\[|\]$/g, '')
}

/**
 * `sftp host`, `lftp host`: the transfer commands come from stdin (a here-document or here-string
 * seen here), a batch file (`-b`) or `-c`/`-e` strings; `put`/`mput`/`reput` name local files that
 * leave. Commands that are not visible upload what they like: an upload of unknown files.
 */
function classifyBatchTransfer(argv: readonly string[], cmd: CmdView, ctx: Ctx): Op[] {
  const name = base(argv[0] as string)
  const pos = positional(skipValues(argv.slice(1), ['-b', '-B', '-c', '-D', '-F', '-i', '-l', '-o', '-P', '-R', '-S', '-s', '-e', '-f', '-p', '-u', '-X', '-J']), 0)
  if (pos.length >= 2 && name === 'sftp') return classifyTransfer(argv, ctx)
  const host = pos[0] === undefined ? undefined : remoteSpec(`${pos[0].replace(/^[a-z]+:\/\//, '').replace(/[:/].*$/, '')}:`)
  if (host !== undefined) ctx.hosts.push(host)
  const script = [cmd.heredoc ?? '', optionValue(argv, '-c') ?? '', optionValue(argv, '-e') ?? ''].join('\n')
  const sources: string[] = []
  for (const line of script.split(/[\n;]/)) {
    const m = /^\s*(?:put|mput|reput|mirror\s+-R)\s+(.*)$/.exec(line)
    if (m === null) continue
    for (const w of (m[1] as string).split(/\s+/)) if (w !== '' && !w.startsWith('-')) { sources.push(w); break }
  }
  const batch = optionValue(argv, '-b') !== undefined || optionValue(argv, '-f') !== undefined || cmd.piped || cmd.stdinFile !== undefined
  return [op('file.upload', 'transfer', batch && sources.length === 0 ? ['$STDIN_COMMANDS'] : sources)]
}

function classifyTransfer(argv: readonly string[], ctx: Ctx): Op[] {
  const pos = positional(argv).filter((a) => !/^[0-9]+$/.test(a))
  if (pos.length < 2) return [op('process.run', 'network')]
  const dest = pos[pos.length - 1] as string
  const sources = pos.slice(0, -1)
  const destHost = remoteSpec(dest)
  const srcHosts = sources.map(remoteSpec).filter((h): h is string => h !== undefined)
  if (base(argv[0] as string) === 'rsync' && hasFlag(argv, '--delete', '--delete-after', '--delete-before', '--delete-excluded')) {
    ctx.flags.add('force')
  }
  if (destHost !== undefined) {
    ctx.hosts.push(destHost)
    return [op('file.upload', 'transfer', sources)]
  }
  if (srcHosts.length > 0) {
    ctx.hosts.push(...srcHosts)
    return [op('file.download', 'transfer', [dest], true)]
  }
  // `rsync --delete SRC DEST`: whatever DEST holds that SRC lacks is deleted, so DEST counts as a
  // recursive delete (an empty SRC over `~` or the project wipes it)
  const deletes = base(argv[0] as string) === 'rsync' && argv.some((a) => /^--(del|delete(-(after|before|during|delay|excluded))?)$/.test(a))
  return [op('file.copy', 'file', [...pos, ...copyDestinations(argv).into], true), ...(deletes ? [op('file.delete_recursive', 'sync', [dest], true)] : [])]
}

const PROTECTED_BRANCH = /^(main|master|production|prod|release([/-].*)?|live|stable|trunk|develop)$/

function classifyGit(argv: readonly string[], ctx: Ctx, view?: CmdView): Op[] {
  const gi = skipOptions([...argv], 1, new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace']))
  const sub = argv[gi] ?? ''
  const rest = argv.slice(gi)
  const pos = positional(rest)
  switch (sub) {
    case 'push': {
      if (hasFlag(rest, '--force', '--force-with-lease', '--mirror', '--prune', '--delete', '-d') ||
        hasShort(rest, 'f') || pos.some((p) => p.startsWith('+') || p.startsWith(':'))) ctx.flags.add('force')
      const refs = pos.slice(1).flatMap((r) => r.replace(/^\+/, '').split(':'))
      if (refs.some((r) => PROTECTED_BRANCH.test(r.replace(/^refs\/heads\//, '').replace(/^HEAD$/, '')))) {
        ctx.flags.add('protected_branch')
      }
      if (pos.length <= 1) ctx.flags.add('implicit_branch')
      return [op('dev.push_code', 'vcs')]
    }
    case 'reset':
      if (hasFlag(rest, '--hard', '--merge', '--keep')) {
        ctx.flags.add('force')
        ctx.flags.add('discards_changes')
        return [op('file.update', 'vcs', ['.'], true)]
      }
      return [op('process.run', 'vcs')]
    case 'clean':
      if (hasShort(rest, 'f') || hasFlag(rest, '--force')) {
        ctx.flags.add('force')
        return [op(hasShort(rest, 'd') || hasShort(rest, 'x') ? 'file.delete_recursive' : 'file.delete', 'vcs', pos.length > 0 ? pos : ['.'], true)]
      }
      return [info('vcs')]
    case 'checkout':
    case 'restore':
      if (rest.includes('--') || pos.slice(1).some((p) => p === '.' || p === '*' || p === ':/') || hasFlag(rest, '-f', '--force')) {
        ctx.flags.add('discards_changes')
        const dash = rest.indexOf('--')
        return [op('file.update', 'vcs', dash > 0 ? [...rest.slice(dash + 1)] : pos.slice(1), true)]
      }
      {
        // `git restore [-s <rev>] <path>…`, `git checkout <rev> <path>…`: the paths are rewritten from a revision
        const paths = sub === 'restore'
          ? positional(skipValues(rest.slice(1), ['-s', '--source', '--pathspec-from-file']), 0)
          : hasFlag(rest, '-b', '-B', '--orphan', '-t', '--track') ? [] : pos.slice(1)
        return paths.length > 0 ? [op('file.update', 'vcs', paths, true)] : [op('process.run', 'vcs')]
      }
    case 'apply':
    case 'am': {
      // a patch rewrites the files it names; only its text (a here-document) shows which
      if (sub === 'apply' && hasFlag(rest, '--check', '--stat', '--numstat', '--summary') && !hasFlag(rest, '--apply')) return [info('vcs')]
      if (sub === 'am' && hasFlag(rest, '--abort', '--quit', '--skip', '--show-current-patch')) return [op('process.run', 'vcs')]
      const files = positional(skipValues(rest.slice(1), ['--directory', '--exclude', '--include', '-C', '--whitespace']), 0)
      return [patchOp(files.length === 0 ? view?.heredoc : undefined, stripCount(rest, 1), optionValue(rest, '--directory') ?? '', 'vcs')]
    }
    case 'rm': {
      const recursive = hasShort(rest, 'r')
      return [op(recursive ? 'file.delete_recursive' : 'file.delete', 'vcs', pos, true)]
    }
    case 'mv':
      return [op('file.move', 'vcs', pos, true)]
    case 'clone': {
      for (const p of pos.slice(1)) if (looksLikeUrl(p) || remoteSpec(p) !== undefined) ctx.hosts.push(remoteSpec(p) ?? classifyUrl(p).host)
      return [op('file.download', 'vcs', pos.slice(2), true)]
    }
    case 'branch':
      if (hasFlag(rest, '-D', '--delete', '-d') && hasFlag(rest, '-D', '--force', '-f')) ctx.flags.add('force')
      return pos.length > 1 || hasFlag(rest, '-D', '-d', '-m', '-M') ? [op('process.run', 'vcs')] : [info('vcs')]
    case 'filter-branch':
    case 'filter-repo':
    case 'update-ref':
    case 'reflog':
    case 'gc':
      if (sub === 'reflog' && (pos[1] === undefined || pos[1] === 'show')) return [info('vcs')]
      ctx.flags.add('force')
      return [op('process.run', 'vcs')]
    case 'stash':
      if (pos[1] === 'drop' || pos[1] === 'clear') ctx.flags.add('discards_changes')
      return pos[1] === 'list' || pos[1] === 'show' ? [info('vcs')] : [op('process.run', 'vcs')]
    case 'grep':
      return [op('file.search', 'vcs')]
    case 'config':
      if (hasFlag(rest, '--global', '--system')) ctx.flags.add('persistence')
      return hasFlag(rest, '--get', '--list', '-l', '--get-all') ? [info('vcs')] : [op('process.run', 'vcs')]
    case 'add': case 'commit': case 'switch': case 'merge': case 'rebase': case 'cherry-pick':
    case 'pull': case 'fetch': case 'init': case 'tag': case 'revert':
    case 'submodule': case 'worktree': case 'remote': case 'bisect': case 'notes': case 'lfs':
    case 'sparse-checkout': case 'mergetool': case 'rerere':
      if (sub === 'remote' && (pos.length <= 1 || pos[1] === 'show' || pos[1] === '-v')) return [info('vcs')]
      if (sub === 'tag' && pos.length <= 1) return [info('vcs')]
      return [op('process.run', 'vcs')]
    default:
      return [info('vcs')]
  }
}

function classifyGh(argv: readonly string[], ctx: Ctx): Op[] {
  const pos = positional(argv, 1)
  const [group = '', verb = ''] = pos
  const key = `${group} ${verb}`
  if (group === 'api') {
    const method = (optionValue(argv, '-X', '--method') ?? '').toUpperCase()
    const fields = hasFlag(argv, '-f', '-F', '--field', '--raw-field', '--input')
    ctx.hosts.push('api.github.com')
    if (method === 'DELETE') return [op('network.delete', 'github')]
    if (method === 'PUT') return [op('network.put', 'github')]
    if (method === 'POST' || method === 'PATCH' || (method === '' && fields)) return [op('network.post', 'github')]
    return [op('network.get', 'github')]
  }
  const table: Readonly<Record<string, string>> = {
    'pr merge': 'dev.merge_pr',
    'pr create': 'dev.create',
    'pr close': 'dev.update',
    'pr edit': 'dev.update',
    'pr comment': 'dev.update',
    'pr review': 'dev.update',
    'pr ready': 'dev.update',
    'pr reopen': 'dev.update',
    'issue create': 'dev.create',
    'issue close': 'dev.close_issue',
    'issue edit': 'dev.update',
    'issue comment': 'dev.update',
    'issue delete': 'dev.close_issue',
    'workflow run': 'dev.run_pipeline',
    'workflow enable': 'dev.update',
    'workflow disable': 'dev.update',
    'run rerun': 'dev.run_pipeline',
    'run cancel': 'dev.update',
    'release create': 'dev.deploy',
    'release upload': 'dev.deploy',
    'release delete': 'dev.update',
    'secret set': 'secret.create',
    'secret delete': 'secret.delete',
    'secret remove': 'secret.delete',
    'variable set': 'dev.update',
    'repo delete': 'infra.terminate',
    'repo create': 'dev.create',
    'repo edit': 'dev.update',
    'repo archive': 'dev.update',
    'repo rename': 'dev.update',
    'auth token': 'secret.get',
    'ssh-key add': 'iam.update',
    'gpg-key add': 'iam.update',
  }
  const action = table[key]
  if (group === 'repo' && (verb === 'delete' || verb === 'archive')) ctx.flags.add('force')
  if (group === 'pr' && verb === 'merge' && hasFlag(argv, '--admin')) ctx.flags.add('force')
  if (action !== undefined) return [op(action, 'github')]
  return [op('dev.get', 'github')]
}

export function prodWord(s: string): boolean {
  return /(^|[^a-z0-9])(prod|production|prd|live)([^a-z0-9]|$)/i.test(s)
}

function classifyKube(argv: readonly string[], ctx: Ctx): Op[] {
  const name = base(argv[0] as string)
  const context = optionValue(argv, '--context', '--kube-context')
  if (context !== undefined) ctx.kubeContext = context
  const pos = positional(argv.filter((_, i) => {
    const prev = argv[i - 1]
    return !(prev !== undefined && ['-n', '--namespace', '--context', '-o', '--output', '-f',
      '--filename', '-l', '--selector', '-c', '--container', '--kube-context', '--type', '--values',
      '-i', '--image', '--replicas', '--set', '--version'].includes(prev))
  }), 1)
  const [verb = '', noun = ''] = pos
  if (name === 'helm') {
    if (verb === 'install') return [op('infra.create', 'kubernetes')]
    if (verb === 'upgrade' || verb === 'rollback') return [op('infra.update', 'kubernetes')]
    if (verb === 'uninstall' || verb === 'delete' || verb === 'del') return [op('infra.terminate', 'kubernetes')]
    return [op('infra.get', 'kubernetes')]
  }
  if (verb === 'config') {
    if (noun === 'use-context' || noun === 'set-context') {
      if (pos[2] !== undefined) ctx.kubeContext = pos[2]
      return [op('process.run', 'kubernetes')]
    }
    return [op('infra.get', 'kubernetes')]
  }
  if (verb === 'get' || verb === 'describe') {
    if (/^secrets?$/.test(noun) || noun.startsWith('secret/')) {
      const dumps = hasFlag(argv, '-o', '--output') || /^-o/.test(argv.find((a) => a.startsWith('-o')) ?? '')
      return [op(dumps || pos[2] !== undefined || noun.startsWith('secret/') ? 'secret.get' : 'secret.list', 'kubernetes')]
    }
    return [op('infra.get', 'kubernetes')]
  }
  switch (verb) {
    case 'delete': case 'drain':
      return [op('infra.terminate', 'kubernetes')]
    case 'create': case 'run': case 'expose':
      return verb === 'run' ? [op('process.run', 'kubernetes')] : [op('infra.create', 'kubernetes')]
    case 'scale': case 'autoscale':
      return [op('infra.scale', 'kubernetes')]
    case 'apply': case 'patch': case 'edit': case 'replace': case 'set': case 'label': case 'annotate':
    case 'rollout': case 'cordon': case 'uncordon': case 'taint':
      if (verb === 'rollout' && (noun === 'status' || noun === 'history')) return [op('infra.get', 'kubernetes')]
      return [op('infra.update', 'kubernetes')]
    case 'exec': case 'attach': case 'cp': case 'port-forward': case 'debug': case 'proxy':
      ctx.flags.add('remote_exec')
      return [op('process.run', 'kubernetes')]
    default:
      return [op('infra.get', 'kubernetes')]
  }
}

function classifyIac(argv: readonly string[]): Op[] {
  const pos = positional(argv, 1)
  const verb = pos[0] ?? ''
  if (verb === 'destroy' || (verb === 'apply' && hasFlag(argv, '-destroy', '--destroy'))) return [op('infra.terminate', 'iac')]
  if (['apply', 'up', 'update', 'import', 'taint', 'untaint', 'refresh', 'deploy'].includes(verb)) return [op('infra.update', 'iac')]
  if (verb === 'state' && (pos[1] === 'rm' || pos[1] === 'mv' || pos[1] === 'push')) return [op('infra.update', 'iac')]
  if (verb === 'workspace' && (pos[1] === 'delete')) return [op('infra.terminate', 'iac')]
  return [op('infra.get', 'iac')]
}

function classifyContainer(argv: readonly string[]): Op[] {
  const pos = positional(argv, 1)
  let [verb = '', sub = ''] = pos
  if (verb === 'compose' || base(argv[0] as string) === 'docker-compose') {
    if (verb === 'compose') [verb = '', sub = ''] = pos.slice(1)
    else sub = ''
    if (verb === 'down' && hasFlag(argv, '-v', '--volumes', '--rmi')) return [op('infra.terminate', 'container')]
    if (verb === 'rm' || verb === 'kill') return [op('infra.terminate', 'container')]
    if (['ps', 'logs', 'config', 'ls', 'images', 'top', 'version'].includes(verb)) return [op('infra.get', 'container')]
    return [op('process.run', 'container')]
  }
  if (verb === 'push') return [op('dev.deploy', 'container')]
  if (['rm', 'rmi', 'kill'].includes(verb)) return [op('infra.terminate', 'container')]
  if (['system', 'volume', 'image', 'container', 'network', 'builder'].includes(verb) && ['prune', 'rm'].includes(sub)) {
    return [op('infra.terminate', 'container')]
  }
  if (['ps', 'images', 'logs', 'inspect', 'version', 'info', 'stats', 'top', 'history', 'search'].includes(verb)) {
    return [op('infra.get', 'container')]
  }
  if (verb === 'login') return [op('process.run', 'container')]
  return [op('process.run', 'container')]
}

function classifyCloud(argv: readonly string[], ctx: Ctx): Op[] {
  const name = base(argv[0] as string)
  const pos = positional(argv.filter((_, i) => {
    const prev = argv[i - 1]
    return !(prev !== undefined && /^--?(region|profile|project|output|query|zone|resource-group|subscription|format|filter|account|configuration)$/.test(prev))
  }), 1)
  const words = pos.join(' ').toLowerCase()
  if (name === 'aws' && pos[0] === 's3') {
    const verb = pos[1] ?? ''
    const paths = pos.slice(2)
    if (verb === 'rm') return [op(hasFlag(argv, '--recursive') ? 'file.delete_recursive' : 'file.delete', 'cloud_storage', paths, true)]
    if (verb === 'rb') return [op('infra.terminate', 'cloud_storage')]
    if (verb === 'cp' || verb === 'sync' || verb === 'mv') {
      const dest = paths[paths.length - 1] ?? ''
      if (verb === 'sync' && hasFlag(argv, '--delete')) ctx.flags.add('force')
      if (dest.startsWith('s3://')) {
        ctx.hosts.push('s3.amazonaws.com')
        return [op('file.upload', 'cloud_storage', paths.slice(0, -1))]
      }
      return [op('file.download', 'cloud_storage', [dest], true)]
    }
    return [op('file.list', 'cloud_storage')]
  }
  if (/secretsmanager get-secret-value|ssm get-parameters?( |$)|secrets versions access|keyvault secret show|secrets access/.test(words)) {
    if (name === 'aws' && words.includes('ssm') && !hasFlag(argv, '--with-decryption')) return [op('infra.get', 'cloud')]
    return [op('secret.get', 'cloud')]
  }
  if (/secretsmanager (create|put)-secret|secrets create|keyvault secret set|ssm put-parameter/.test(words)) return [op('secret.create', 'cloud')]
  if (/iam create-access-key|service-accounts keys create|sp create-for-rbac|credential reset/.test(words)) return [op('iam.generate_api_key', 'cloud')]
  if (/iam (attach|put)-(user|role|group)-policy|add-iam-policy-binding|role assignment create|iam add-user-to-group/.test(words)) return [op('iam.assign_role', 'cloud')]
  if (/iam create-(user|role|group)|service-accounts create|ad user create/.test(words)) return [op('iam.create', 'cloud')]
  if (/iam delete-(user|role|group)|service-accounts delete|ad user delete/.test(words)) return [op('iam.delete', 'cloud')]
  const verbWord = pos.find((p) => /^(delete|terminate|remove|destroy|deregister|purge|rm|stop|reboot|deploy|create|run|put|update|set|modify|start|scale|resize|describe|list|get|show|ls|wait|help|info|whoami|status|logs)([-_].*)?$/.test(p)) ?? ''
  if (/^(delete|terminate|remove|destroy|deregister|purge|rm)/.test(verbWord)) return [op('infra.terminate', 'cloud')]
  if (/^deploy/.test(verbWord)) return [op('dev.deploy', 'cloud')]
  if (/^(scale|resize)/.test(verbWord)) return [op('infra.scale', 'cloud')]
  if (/^(create|run)/.test(verbWord)) return [op('infra.create', 'cloud')]
  if (/^(put|update|set|modify|start|stop|reboot)/.test(verbWord)) return [op('infra.update', 'cloud')]
  return [op('infra.get', 'cloud')]
}

function classifySqlClient(argv: readonly string[], cmd: CmdView, ctx: Ctx): Op[] {
  const name = base(argv[0] as string)
  const host = optionValue(argv, '-h', '--host')
  if (host !== undefined) ctx.hosts.push(classifyHost(host).host)
  for (const a of argv) if (/^(postgres(ql)?|mysql|mongodb(\+srv)?|redis|rediss):\/\//.test(a)) addHostFromUrl(ctx, a)
  if (name === 'dropdb') return [op('db.drop', 'database')]
  if (name === 'createdb') return [op('db.create', 'database')]
  if (name === 'pg_dump' || name === 'mysqldump' || name === 'pg_dumpall' || name === 'mongodump') return [op('db.export', 'database')]
  if (name === 'pg_restore' || name === 'mongorestore') return [op('db.restore', 'database')]
  if (name === 'redis-cli') {
    const words = positional(argv).map((w) => w.toUpperCase())
    const verb = words.find((w) => /^[A-Z]+$/.test(w)) ?? ''
    if (verb === 'FLUSHALL' || verb === 'FLUSHDB') return [op('db.truncate', 'database')]
    if (['DEL', 'UNLINK', 'EXPIRE'].includes(verb)) return [op('db.delete', 'database')]
    if (['SET', 'HSET', 'LPUSH', 'RPUSH', 'SADD', 'INCR', 'MSET', 'CONFIG'].includes(verb)) return [op('db.update', 'database')]
    if (verb === '') return [op('process.run', 'database')]
    return [op('db.select', 'database')]
  }
  if (name === 'mongosh' || name === 'mongo') {
    const script = optionValue(argv, '--eval') ?? cmd.heredoc ?? ''
    if (script === '') return [op('process.run', 'database')]
    if (/dropDatabase|\.drop\(/.test(script)) return [op('db.drop', 'database')]
    if (/deleteMany\(\s*\{\s*\}\s*\)|remove\(\s*\{\s*\}\s*\)/.test(script)) {
      ctx.flags.add('unbounded_write')
      return [op('db.delete', 'database')]
    }
    if (/delete(One|Many)|remove\(/.test(script)) return [op('db.delete', 'database')]
    if (/update(One|Many)|replaceOne|insert(One|Many)?/.test(script)) return [op('db.update', 'database')]
    return [op('db.select', 'database')]
  }
  // every `-c`/`-e` runs, in order: judged as one stacked script so the worst statement wins
  const commands = optionValues(argv, '-c', '--command', '-e', '--execute')
  let sql = commands.length > 0 ? commands.join('\n;\n') : cmd.heredoc
  if (sql === undefined && name === 'sqlite3') {
    const pos = positional(argv)
    if (pos.length >= 2) sql = pos[pos.length - 1]
  }
  if (sql === undefined) {
    const file = optionValue(argv, '-f', '--file') ?? cmd.stdinFile
    return file === undefined ? [op('process.run', 'database')] : [op('db.restore', 'database', [file])]
  }
  ctx.sql.push(sql)
  const facts = classifySql(sql)
  if (facts.unboundedDelete || facts.unboundedUpdate) ctx.flags.add('unbounded_write')
  if (facts.severity !== 'none') ctx.flags.add(facts.severity === 'deny' ? 'sql_deny' : 'sql_review')
  return [op(facts.action, 'database')]
}

function classifyPackage(argv: readonly string[], name: string, ctx: Ctx): Op[] | undefined {
  let args = argv
  if ((name === 'python' || name === 'python3') && argv[1] === '-m' && (argv[2] === 'pip' || argv[2] === 'pip3')) {
    args = argv.slice(2)
    name = 'pip'
  }
  const pm = PACKAGE_MANAGERS[name]
  if (pm === undefined) return undefined
  const sub = args.slice(1).find((a) => !a.startsWith('-') || (name === 'pacman' || name === 'nix-env')) ?? ''
  if (pm.lockfile?.includes(sub) === true) return [op('process.run', 'package_install')]
  if (!pm.install.includes(sub)) {
    if (name === 'npx' || name === 'pnpx' || name === 'bunx') return undefined
    return undefined
  }
  const pkgs: string[] = []
  const start = args.indexOf(sub) + 1
  for (let i = start; i < args.length; i += 1) {
    const a = args[i] as string
    // an index, registry or link source other than the ecosystem's own registry
    const eq = a.indexOf('=')
    const opt = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a
    if (REGISTRY_OPTS.has(opt) || (name === 'pip' || name === 'pip3' || name === 'uv') && (opt === '-i' || opt === '-f')) {
      const value = opt !== a ? a.slice(eq + 1) : args[i + 1] ?? ''
      if (!DEFAULT_REGISTRIES.test(value)) ctx.flags.add('untrusted_package_source')
    }
    if (INSTALL_VALUE_OPTS.has(a)) {
      if (a === '-r' || a === '--requirement') ctx.flags.add('requirements_file')
      i += 1
      continue
    }
    if (a.startsWith('-')) continue
    if (name === 'uv' && (a === 'install' || a === 'pip' || a === 'tool')) continue
    pkgs.push(a)
  }
  if (hasFlag(args, '-g', '--global', '--user', '--system') || ['apt', 'apt-get', 'yum', 'dnf', 'apk',
    'pacman', 'zypper', 'brew', 'port', 'snap', 'choco', 'winget'].includes(name)) ctx.flags.add('global_install')
  if (pkgs.some(isUntrustedPackageSource)) {
    ctx.flags.add('untrusted_package_source')
  }
  ctx.packages.push(...pkgs)
  if (pkgs.length === 0 && !ctx.flags.has('requirements_file') && sub !== 'tap') return [op('process.run', 'package_install')]
  ctx.flags.add('package_install')
  return [op('process.run', 'package_install')]
}

/** Options that point an install at another index, registry or source of packages. */
const REGISTRY_OPTS = new Set(['--index-url', '--extra-index-url', '--find-links', '--trusted-host', '--registry', '--source',
  '--index', '--default-index', '--git', '--repository', '--channel', '-c'])
/** The ecosystems' own registries: an index option naming them changes nothing. */
const DEFAULT_REGISTRIES = /^https:\/\/(pypi\.org|files\.pythonhosted\.org|registry\.npmjs\.org|registry\.yarnpkg\.com|rubygems\.org|crates\.io|index\.crates\.io|conda\.anaconda\.org|repo\.anaconda\.com)(\/|$)|^(conda-forge|defaults|crates-io|sparse\+https:\/\/index\.crates\.io\/)$/

/** A package spec that is not a registry name: a URL, git, a local path or a tarball/wheel fetched as is. */
function isUntrustedPackageSource(p: string): boolean {
  return /^(https?:|git\+|git:|github:|gitlab:|bitbucket:|gist:|file:|\.\.?\/|\/)/.test(p) || /\.(tgz|tar\.gz|whl|zip)$/.test(p)
}

const MUTATING_CHMOD = /^([ugoa]*[+=][rwxXst]*s|[0-7]?[0-7]{2}7|[ugoa]*\+?[rwx]*w.*|4[0-7]{3}|2[0-7]{3})$/

/**
 * Where an archive command extracts to (`tar x -C dir`, `unzip -d dir`, `7z x -odir`,
 * `cpio -i -D dir`), `.` when extracting in place, `/` when absolute member names are kept
 * (`tar -P`), `undefined` when it does not extract.
 */
function extractionDir(name: string, argv: readonly string[]): string | undefined {
  const args = argv.slice(1)
  if (name === 'tar' || name === 'bsdtar') {
    const first = args[0] ?? ''
    const extracts = args.some((a) => a === '--extract' || a === '--get' || /^-[a-zA-Z]*x/.test(a) && !a.startsWith('--')) ||
      /^[a-zA-Z]*x[a-zA-Z]*$/.test(first)
    if (!extracts) return undefined
    if (args.some((a) => a === '--absolute-names' || /^-[a-zA-Z]*P/.test(a) && !a.startsWith('--')) || /^[a-zA-Z]*P/.test(first)) return '/'
    return optionValue(argv, '-C', '--directory') ?? '.'
  }
  if (name === 'unzip') return args.some((a) => /^-[a-zA-Z]*[lvtpZ]/.test(a)) ? undefined : optionValue(argv, '-d') ?? '.'
  if (name === '7z' || name === '7za') {
    if (args[0] !== 'x' && args[0] !== 'e') return undefined
    const o = args.find((a) => a.startsWith('-o'))
    return o === undefined ? '.' : o.slice(2) || '.'
  }
  if (name === 'cpio') {
    if (!args.some((a) => a === '--extract' || /^-[a-zA-Z]*i/.test(a) && !a.startsWith('--'))) return undefined
    if (args.includes('--no-absolute-filenames')) return optionValue(argv, '-D', '--directory') ?? '.'
    return '/'
  }
  return undefined
}

/**
 * Options and operands through which otherwise reading programs write a file: `iconv -o`,
 * `shuf -o`, `tree -o`, `less -o` (a copy of its piped input), `base64 -o`, `say -o`,
 * `find -fprint`, `xxd in out`, `history -w/-a file`; curl's and wget's headers, cookies, traces and logs.
 */
const OUTPUT_FILE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  iconv: ['-o', '--output'], shuf: ['-o', '--output'], tree: ['-o'], less: ['-o', '-O', '--log-file', '--LOG-FILE'],
  base64: ['-o', '--output'], say: ['-o', '--output-file'], find: ['-fprint', '-fprint0', '-fprintf', '-fls'],
  curl: ['-D', '--dump-header', '-c', '--cookie-jar', '--trace', '--trace-ascii', '--stderr', '--etag-save', '--hsts', '--alt-svc', '--libcurl'],
  wget: ['-o', '--output-file', '-a', '--append-output', '--save-cookies', '--warc-file'],
}
/** Stream decompressors: `gunzip x.gz` writes `x`. */
const DECOMPRESSED = /\.(gz|z|tgz|xz|txz|lzma|bz2|tbz2?|zst|lz4)$/i

function outputFiles(name: string, argv: readonly string[]): string[] {
  const opts = OUTPUT_FILE_OPTIONS[name]
  if (opts !== undefined) return optionValues(argv, ...opts)
  if (name === 'xxd') return positional(skipValues(argv.slice(1), ['-c', '-cols', '-g', '-groupsize', '-l', '-len', '-o', '-offset', '-s', '-seek', '-n', '-name']), 0).slice(1, 2)
  if (name === 'history' && argv.some((a) => /^-[a-zA-Z]*[wa]/.test(a))) return positional(argv).filter((p) => !/^[0-9]+$/.test(p))
  if (name === 'fc' && argv.some((a) => /^-[a-zA-Z]*[WA]/.test(a))) return positional(argv).filter((p) => !/^[0-9]+$/.test(p) && p !== '/dev/null')
  const decompress = /^(gunzip|unxz|unlzma|bunzip2|unzstd|unlz4)$/.test(name) ||
    /^(gzip|xz|lzma|bzip2|zstd|lz4)$/.test(name) && argv.some((a) => a === '--decompress' || a === '--uncompress' || /^-[a-zA-Z0-9]*d/.test(a) && !a.startsWith('--'))
  if (decompress && !argv.some((a) => a === '-c' || a === '--stdout' || a === '--to-stdout' || /^-[a-zA-Z0-9]*[ctl]/.test(a) && !a.startsWith('--'))) {
    return positional(argv).filter((p) => DECOMPRESSED.test(p)).map((p) => p.replace(DECOMPRESSED, (m) => (/^\.t/i.test(m) ? '.tar' : '')))
  }
  return []
}

export function classifyCommand(argv: readonly string[], cmd: CmdView, ctx: Ctx): Op[] {
  const ops = classifyProgram(argv, cmd, ctx)
  const outputs = argv.length === 0 ? [] : outputFiles(base(argv[0] as string), argv)
  return outputs.length > 0 ? [...ops, op('file.update', 'file', outputs, true)] : ops
}

function classifyProgram(argv: readonly string[], cmd: CmdView, ctx: Ctx): Op[] {
  if (argv.length === 0) return []
  const prog = argv[0] as string
  const name = base(prog)
  const pos = positional(argv)
  if (/^(mkfs|mke2fs)(\..*)?$/.test(name) || DISK_WIPERS.has(name)) {
    ctx.flags.add('device_write')
    return [op('file.delete_recursive', 'disk', pos, true)]
  }
  switch (name) {
    case 'rm': case 'unlink': case 'rmdir': case 'shred': case 'srm': case 'trash': case 'trash-put': {
      const recursive = hasShort(argv, 'r') || hasShort(argv, 'R') || hasFlag(argv, '--recursive')
      if (hasShort(argv, 'f') || hasFlag(argv, '--force') || name === 'shred') ctx.flags.add('force')
      if (cmd.xargs) ctx.flags.add('dynamic_targets')
      return [op(recursive ? 'file.delete_recursive' : 'file.delete', 'file', cmd.xargs && pos.length === 0 ? ['$XARGS'] : pos, true)]
    }
    case 'find': {
      const roots = pos.filter((_, i) => i === 0 || !(argv[argv.indexOf(pos[i] as string) - 1] ?? '').startsWith('-'))
      const root = [pos[0] ?? '.']
      if (hasFlag(argv, '-delete') || argv.some((a, i) => (a === '-exec' || a === '-execdir' || a === '-ok') && ['rm', 'shred', 'unlink'].includes(base(argv[i + 1] ?? '')))) {
        ctx.flags.add('dynamic_targets')
        const filtered = argv.some((a) => /^-(i?name|i?path|i?wholename|i?regex|type|x?type|mtime|mmin|atime|amin|ctime|cmin|newer\w*|size|empty|user|group|perm|links|inum|samefile|uid|gid)$/.test(a))
        return [{ ...op('file.delete_recursive', 'find', root, true), filtered }]
      }
      const exec = argv.findIndex((a) => a === '-exec' || a === '-execdir')
      if (exec >= 0) return [op('process.run', 'file', root)]
      void roots
      return [op('file.list', 'file', root)]
    }
    case 'mv':
      // the destination last: sources come before it (`-t DIR` / `--target-directory` first)
      return [op('file.move', 'file', [...copyDestinations(argv).into, ...pos], true)]
    case 'cp': case 'install': case 'ditto': {
      const d = copyDestinations(argv)
      return [op('file.copy', 'file', [...d.dest, ...d.into], true)]
    }
    case 'ln':
      return [op('file.create', 'file', [...(pos.length > 1 ? pos.slice(-1) : pos), ...copyDestinations(argv).into], true)]
    case 'mkdir': case 'touch': case 'mkfifo':
      return [op('file.create', 'file', pos, true)]
    case 'tar': case 'bsdtar': case 'unzip': case 'zip': case 'gzip': case 'gunzip': case '7z': case '7za': case 'xz': case 'bzip2': case 'cpio': {
      // extraction writes files the archive names into a directory: judged by that directory
      const into = extractionDir(name, argv)
      return [op('file.create', 'archive', into === undefined ? [] : [into], into !== undefined)]
    }
    case 'chmod': case 'chown': case 'chgrp': case 'chattr': case 'setfacl': case 'chflags': {
      ctx.flags.add('permission_change')
      const modeOrOwner = pos[0] ?? ''
      if (name === 'chmod' && MUTATING_CHMOD.test(modeOrOwner) && /7$|o?\+w|a\+w|[+=].*s|^[42][0-7]{3}$/.test(modeOrOwner)) ctx.flags.add('weakens_permissions')
      if (name === 'chown' && /^root(:|$)/.test(modeOrOwner)) ctx.flags.add('weakens_permissions')
      if (hasShort(argv, 'R') || hasFlag(argv, '--recursive')) ctx.flags.add('recursive')
      return [op('file.update', 'permissions', pos.slice(1), true)]
    }
    case 'truncate':
      return [op('file.update', 'file', pos.filter((p) => !/^[0-9]+[KMG]?$/.test(p)), true)]
    case 'sed': case 'perl':
      if (argv.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'))) {
        return [op('file.update', 'file', name === 'sed' ? sedFiles(argv) : pos.slice(1), true)]
      }
      if (name === 'perl' && hasFlag(argv, '-e', '-E')) {
        ctx.flags.add('inline_code')
        return [op('process.run', 'interpreter')]
      }
      return name === 'sed' ? [op('file.read', 'file', pos.slice(1))] : [op('process.run', 'interpreter', pos.slice(0, 1))]
    case 'tee':
      return pos.length > 0 ? [op('file.update', 'file', pos, true)] : [info()]
    // programs that rewrite the files they are given (in place, or from stdin)
    case 'sponge':
      return pos.length > 0 ? [op('file.update', 'file', pos, true)] : [info()]
    case 'awk': case 'gawk': {
      const inplace = optionValues(argv, '-i', '--include').some((v) => /^inplace(\.awk)?$/.test(v))
      if (!inplace) return [info()]
      const rest = positional(skipValues(argv.slice(1), ['-i', '--include', '-v', '--assign', '-F', '--field-separator', '-f', '--file', '-E', '--exec', '-l', '--load']), 0)
      return [op('file.update', 'file', optionValue(argv, '-f', '--file') !== undefined ? rest : rest.slice(1), true)]
    }
    case 'sd':
      return hasFlag(argv, '-p', '--preview') ? [info()] : [op('file.update', 'file', pos.slice(2), true)]
    case 'sort':
    case 'uniq': {
      const out = name === 'sort' ? optionValue(argv, '-o', '--output') : positional(skipValues(argv.slice(1), ['-f', '--skip-fields', '-s', '--skip-chars', '-w', '--check-chars']), 0)[1]
      return out === undefined ? [info()] : [op('file.update', 'file', [out], true)]
    }
    case 'dasel':
      return /^(put|delete)$/.test(pos[0] ?? '') || hasFlag(argv, '-w', '--write') ? [op('file.update', 'file', optionValues(argv, '-f', '--file'), true)] : [op('file.read', 'file', optionValues(argv, '-f', '--file'))]
    case 'ed': case 'red': case 'ex': case 'vi': case 'vim': case 'nvim': case 'view': case 'vimdiff': case 'emacs': case 'nano':
    case 'pico': case 'micro': case 'joe': case 'jed': case 'kak': case 'mcedit': case 'hx': case 'helix': case 'ne': {
      // an editor (scripted: `ed f <<< …`, `vim -es -c … -c wq f`) may rewrite every file it opens
      const files = positional(skipValues(argv.slice(1), EDITOR_VALUE_OPTIONS[name] ?? []), 0).filter((f) => !f.startsWith('+'))
      return files.length > 0 ? [op('file.update', 'file', files, true)] : [op('process.run', 'program')]
    }
    case 'patch': {
      if (hasFlag(argv, '--dry-run', '-C', '--check')) return [info()]
      const values = ['-p', '--strip', '-i', '--input', '-o', '--output', '-d', '--directory', '-r', '--reject-file', '-B', '--prefix', '-z', '--suffix', '-D', '--ifdef', '-F', '--fuzz', '-V', '--version-control', '-Y', '--basename-prefix', '-g', '--get', '--quoting-style']
      const [original] = positional(skipValues(argv.slice(1), values), 0)
      const output = optionValue(argv, '-o', '--output')
      const dir = optionValue(argv, '-d', '--directory') ?? ''
      if (original !== undefined || output !== undefined) return [op('file.update', 'patch', [original, output].filter((x): x is string => x !== undefined).map((f) => joinPath(dir, f)), true)]
      const text = optionValue(argv, '-i', '--input') === undefined ? cmd.heredoc : undefined
      return [patchOp(text, stripCount(argv, undefined), dir, 'patch')]
    }
    case 'dd': {
      const of = argv.find((a) => a.startsWith('of='))?.slice(3)
      if (of !== undefined && /^\/dev\/(sd|nvme|hd|disk|mmcblk|xvd|vd)/.test(of)) {
        ctx.flags.add('device_write')
        return [op('file.delete_recursive', 'disk', [of], true)]
      }
      return of === undefined ? [info()] : [op('file.update', 'file', [of], true)]
    }
    case 'git':
      return classifyGit(argv, ctx, cmd)
    case 'gh':
      return classifyGh(argv, ctx)
    case 'glab':
      return pos[0] === 'mr' && pos[1] === 'merge' ? [op('dev.merge_pr', 'gitlab')] : [op('dev.get', 'gitlab')]
    case 'kubectl': case 'oc': case 'k': case 'helm': case 'kubectx':
      if (name === 'kubectx') {
        if (pos[0] !== undefined) ctx.kubeContext = pos[0]
        return [op('process.run', 'kubernetes')]
      }
      return classifyKube(argv, ctx)
    case 'terraform': case 'tofu': case 'terragrunt': case 'pulumi': case 'cdktf':
      if (pos[0] === 'workspace' && pos[1] === 'select' && pos[2] !== undefined && prodWord(pos[2])) ctx.flags.add('prod')
      return classifyIac(argv)
    case 'docker': case 'podman': case 'docker-compose': case 'nerdctl':
      return classifyContainer(argv)
    case 'aws': case 'gcloud': case 'az': case 'doctl': case 'gsutil': case 'linode-cli': case 'hcloud':
      if (name === 'gsutil') {
        const verb = pos[0] ?? ''
        if (verb === 'rm') return [op(hasShort(argv, 'r') ? 'file.delete_recursive' : 'file.delete', 'cloud_storage', pos.slice(1), true)]
        if (verb === 'cp' || verb === 'rsync') return (pos[pos.length - 1] ?? '').startsWith('gs://') ? [op('file.upload', 'cloud_storage', pos.slice(1, -1))] : [op('file.download', 'cloud_storage')]
        return [op('file.list', 'cloud_storage')]
      }
      return classifyCloud(argv, ctx)
    case 'psql': case 'mysql': case 'mariadb': case 'sqlite3': case 'sqlcmd': case 'clickhouse-client':
    case 'cockroach': case 'mongosh': case 'mongo': case 'redis-cli': case 'pg_dump': case 'pg_dumpall':
    case 'pg_restore': case 'mysqldump': case 'dropdb': case 'createdb': case 'mongodump': case 'mongorestore':
      return classifySqlClient(argv, cmd, ctx)
    case 'scp': case 'rsync': case 'sftp': case 'rclone':
      return name === 'sftp' ? classifyBatchTransfer(argv, cmd, ctx) : classifyTransfer(argv, ctx)
    case 'lftp':
      return classifyBatchTransfer(argv, cmd, ctx)
    case 'getent':
      // reads name-service databases (`getent passwd dev`, `getent hosts x`); `shadow` is a credential read (analyze)
      return [info('system')]
    case 'passwd': case 'chpasswd':
      return [op('iam.reset_password', 'system')]
    case 'useradd': case 'adduser': case 'groupadd': case 'addgroup':
      return [op('iam.create', 'system')]
    case 'userdel': case 'deluser': case 'groupdel': case 'delgroup':
      return [op('iam.delete', 'system')]
    case 'usermod': case 'gpasswd': case 'visudo':
      if (name === 'visudo' || argv.some((a) => /(^|,)(sudo|wheel|admin|root|docker)(,|$)/.test(a))) {
        return [op('iam.assign_role', 'system')]
      }
      return [op('iam.update', 'system')]
    case 'systemctl': case 'service': case 'launchctl': case 'rc-service': {
      const verb = name === 'service' ? pos[1] ?? '' : pos[0] ?? ''
      if (['status', 'list-units', 'list-unit-files', 'is-active', 'is-enabled', 'show', 'cat', 'list'].includes(verb)) return [op('infra.get', 'system')]
      if (['enable', 'link', 'load', 'bootstrap'].includes(verb)) ctx.flags.add('persistence')
      return [op('infra.update', 'system')]
    }
    case 'crontab':
      if (hasFlag(argv, '-l')) return [info('system')]
      ctx.flags.add('persistence')
      return hasFlag(argv, '-r') ? [op('file.delete', 'system', ['crontab'], true)] : [op('file.update', 'system', ['/etc/crontab'], true)]
    case 'at': case 'batch':
      // `at -l` (atq), `-c` (print a job), `-V`: read only; `-r`/`-d` (atrm) remove jobs
      if (argv.some((a) => /^-[a-zA-Z]*[lcV]/.test(a))) return [info('system')]
      if (argv.some((a) => /^-[a-zA-Z]*[rd]/.test(a))) return [op('process.run', 'system')]
      ctx.flags.add('persistence')
      return [op('process.run', 'system')]
    case 'shutdown': case 'reboot': case 'halt': case 'poweroff':
      return [op('infra.terminate', 'system')]
    case 'init':
      return pos[0] === '0' || pos[0] === '6' ? [op('infra.terminate', 'system')] : [info('system')]
    case 'kill': case 'pkill': case 'killall': case 'xkill':
      if (hasFlag(argv, '-9', '-KILL', '-SIGKILL') || pos.includes('1') || pos.includes('-1')) ctx.flags.add('force')
      return [op('process.run', 'kill')]
    case 'iptables': case 'ip6tables': case 'nft': case 'ufw': case 'firewall-cmd': case 'pfctl':
      return hasFlag(argv, '-L', '--list', 'status') || pos[0] === 'status' ? [op('infra.get', 'system')] : [op('infra.update', 'system')]
    case 'printenv':
      return pos.length > 0 ? [info('env')] : [op('secret.list', 'env')]
    case 'env': case 'set': case 'declare':
      return pos.length === 0 && !hasFlag(argv, '-f', '-F') ? [op('secret.list', 'env')] : [info('env')]
    case 'security':
      return pos[0] !== undefined && /^find-(generic|internet)-password$|^dump-keychain$/.test(pos[0]) ? [op('secret.get', 'keychain')] : [info()]
    case 'op': case 'vault': case 'pass': case 'gopass': case 'bw': case 'lpass': case 'doppler': case 'infisical': case 'sops': case 'age': {
      const words = pos.join(' ')
      if (/^(kv )?(put|write|set|create|insert|generate|edit|encrypt)\b|secrets set|item create|kv patch/.test(words)) return [op('secret.create', 'secrets')]
      if (/^(kv )?(delete|destroy|rm|remove)\b|kv metadata delete|item delete/.test(words)) return [op('secret.delete', 'secrets')]
      if (/^(kv )?(list|ls)\b|item list|secrets$/.test(words)) return [op('secret.list', 'secrets')]
      if (name === 'sops' && !hasFlag(argv, '-d', '--decrypt')) return [op('file.update', 'secrets', pos, true)]
      return [op('secret.get', 'secrets')]
    }
    case 'gpg':
      return hasFlag(argv, '-d', '--decrypt', '--export-secret-keys') ? [op('secret.get', 'keychain')] : [op('process.run', 'crypto')]
    case 'ssh-keygen': case 'ssh-add': case 'ssh-copy-id':
      return name === 'ssh-copy-id' ? [op('iam.update', 'ssh')] : [op('process.run', 'ssh')]
    case 'npx': case 'pnpx': case 'bunx': case 'uvx': {
      const yes = hasFlag(argv, '-y', '--yes', '-p', '--package')
      const pkg = pos[0]
      if (pkg !== undefined && (yes || /[@/]/.test(pkg) || name === 'uvx')) {
        ctx.packages.push(pkg)
        ctx.flags.add('remote_package_exec')
      }
      if (pkg !== undefined && isUntrustedPackageSource(pkg)) ctx.flags.add('untrusted_package_source')
      return [op('process.run', 'build')]
    }
    case 'npm': case 'pnpm': case 'yarn': case 'bun': {
      const sub = pos[0] ?? ''
      if (sub === 'publish' || (name === 'yarn' && sub === 'npm' && pos[1] === 'publish')) return [op('dev.deploy', 'publish')]
      if (['login', 'adduser', 'token'].includes(sub)) return [op('secret.create', 'registry')]
      if (sub === 'unpublish' || sub === 'deprecate') return [op('dev.deploy', 'publish')]
      // where packages come from and what installs run (`npm set registry …`, `yarn config set`)
      if (sub === 'set' || sub === 'config' && /^(set|edit|delete|rm|unset)$/.test(pos[1] ?? '')) ctx.flags.add('persistence')
      // lifecycle scripts run on the next install/test by anyone: planting one persists code
      if ((sub === 'pkg' && pos[1] === 'set' && pos.slice(2).some((a) => /^scripts([.[=]|$)/.test(a))) || sub === 'set-script') ctx.flags.add('persistence')
      if (['ls', 'list', 'outdated', 'view', 'info', 'why', 'audit', 'search', 'whoami', 'root', 'bin', 'help', '--version', '-v'].includes(sub) || pos.length === 0 && argv.length > 1 && /^(-v|--version)$/.test(argv[1] as string)) return [info('package_manager')]
      const pkgOp = classifyPackage(argv, name, ctx)
      if (pkgOp !== undefined) return pkgOp
      if (['uninstall', 'remove', 'rm', 'un', 'prune', 'dedupe', 'update', 'upgrade', 'up', 'link'].includes(sub)) return [op('process.run', 'package_manager')]
      if (sub === 'exec' || sub === 'dlx' || sub === 'x') {
        const pkg = pos[1]
        if (pkg !== undefined) {
          ctx.packages.push(pkg)
          ctx.flags.add('remote_package_exec')
          if (isUntrustedPackageSource(pkg)) ctx.flags.add('untrusted_package_source')
        }
      }
      return [op('process.run', 'build')]
    }
    case 'cargo': case 'go': case 'gem': case 'composer': case 'pip': case 'pip3': case 'pipx': case 'uv':
    case 'poetry': case 'pdm': case 'conda': case 'mamba': case 'apt': case 'apt-get': case 'yum': case 'dnf':
    case 'apk': case 'pacman': case 'zypper': case 'brew': case 'port': case 'snap': case 'choco': case 'winget':
    case 'nix': case 'nix-env': {
      if ((name === 'cargo' && pos[0] === 'publish') || (name === 'gem' && pos[0] === 'push') || (name === 'poetry' && pos[0] === 'publish')) {
        return [op('dev.deploy', 'publish')]
      }
      // package-manager configuration (index URLs, channels, sources) persists for every later install
      if ((pos[0] === 'config' && /^(set|unset|edit|add|remove|--add|--set|--append|--prepend)$/.test(pos[1] ?? '')) ||
        (name === 'conda' || name === 'mamba') && pos[0] === 'config' && argv.some((a) => /^--(add|set|append|prepend|remove)$/.test(a)) ||
        name === 'gem' && pos[0] === 'sources' && argv.some((a) => /^(-a|--add|-r|--remove)$/.test(a)) ||
        name === 'go' && pos[0] === 'env' && argv.includes('-w') ||
        name === 'poetry' && pos[0] === 'source' && pos[1] === 'add' ||
        name === 'composer' && pos[0] === 'config') {
        ctx.flags.add('persistence')
        return [op('process.run', 'package_manager')]
      }
      const pkgOp = classifyPackage(argv, name, ctx)
      if (pkgOp !== undefined) return pkgOp
      if (['remove', 'uninstall', 'purge', 'autoremove', 'erase'].includes(pos[0] ?? '')) return [op('process.run', 'package_manager')]
      if (['list', 'show', 'search', 'info', 'freeze', 'check', 'version', 'env', 'doctor', 'outdated', 'tree', 'metadata', 'vet', 'fmt'].includes(pos[0] ?? '')) return [info('package_manager')]
      return [op('process.run', 'build')]
    }
    case 'twine': case 'vsce': case 'ovsx':
      return [op('dev.deploy', 'publish')]
    default:
      break
  }
  if (NETWORK_PROGRAMS.has(name)) return classifyCurl(argv, ctx)
  if (DEPLOY_PROGRAMS.has(name)) {
    const verb = pos[0] ?? ''
    if (['logs', 'ls', 'list', 'status', 'info', 'whoami', 'login', 'dev', 'help', 'env', 'inspect', 'open'].includes(verb)) return [op('infra.get', 'deploy')]
    if (hasFlag(argv, '--prod', '--production')) ctx.flags.add('prod')
    if (['rm', 'remove', 'destroy', 'delete'].includes(verb) || (name === 'fly' || name === 'flyctl') && ['destroy'].includes(pos[1] ?? '')) return [op('infra.terminate', 'deploy')]
    if (['secrets', 'env'].includes(verb) && ['set', 'add'].includes(pos[1] ?? '')) return [op('secret.create', 'deploy')]
    return [op('dev.deploy', 'deploy')]
  }
  if (SHELLS.has(name)) {
    // A shell reading a script from stdin (`curl … | sh`) or from `<(…)`.
    if (pos.length === 0 && (cmd.piped || cmd.heredoc !== undefined)) {
      ctx.flags.add('pipes_to_shell')
      return [op('process.run', 'shell_stdin')]
    }
    return [op('process.run', 'script', pos.slice(0, 1))]
  }
  if (INTERPRETERS.has(name) || /^python3?\.[0-9]+$/.test(name)) {
    // `python -m pip …` is pip
    if (/^python[0-9.]*$/.test(name) && argv[1] === '-m' && /^pip[0-9.]*$/.test(argv[2] ?? '')) {
      const pipOp = classifyPackage(argv.slice(2), 'pip', ctx)
      if (pipOp !== undefined) return pipOp
      return [op('process.run', 'package_manager')]
    }
    if (argv.some((a) => a === '-c' || a === '-e' || a === '-p' || a === '--eval' || a === 'eval' || a === '-r')) {
      ctx.flags.add('inline_code')
      return [op('process.run', 'interpreter')]
    }
    if (pos.length === 0 && (cmd.piped || cmd.heredoc !== undefined)) {
      ctx.flags.add('pipes_to_shell')
      return [op('process.run', 'shell_stdin')]
    }
    if (argv.includes('--version') || argv.includes('-V') || argv.includes('--help')) return [info()]
    return [op('process.run', 'script', pos.slice(0, 1))]
  }
  if (READ_PROGRAMS.has(name)) {
    if (name === 'source' || name === '.') return [op('process.run', 'script', pos)]
    const files = name === 'jq' || name === 'yq' ? pos.slice(1) : pos
    if (name === 'yq' && argv.some((a) => /^(-i|--inplace|--in-place)(=true)?$/.test(a) || /^-[a-zA-Z]*i[a-zA-Z]*$/.test(a))) return [op('file.update', 'file', files, true)]
    return files.length > 0 ? [op('file.read', 'file', files)] : [info()]
  }
  if (LIST_PROGRAMS.has(name)) return [op('file.list', 'file', pos.length > 0 ? pos : ['.'])]
  if (SEARCH_PROGRAMS.has(name)) return [op('file.search', 'file', pos.slice(1).length > 0 ? pos.slice(1) : ['.'])]
  if (INFO_PROGRAMS.has(name)) return [info()]
  if (BUILD_PROGRAMS.has(name)) return [op('process.run', 'build')]
  if (prog.startsWith('./') || prog.startsWith('/') || prog.startsWith('~') || prog.includes('/')) {
    return [op('process.run', 'script', [prog])]
  }
  return [op('process.run', 'program')]
}


// ── write targets of copy-like programs, in-place editors and patches ─────────────────────────

/** Drops `opt value` pairs (and `--opt=value`) so that `positional` sees only operands. */
function skipValues(args: readonly string[], withValue: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] as string
    if (a === '--') {
      out.push(...args.slice(i + 1).map((x) => (x.startsWith('-') ? `./${x}` : x)))
      break
    }
    if (withValue.includes(a)) {
      i += 1
      continue
    }
    out.push(a)
  }
  return out
}

/** Options of editors that take a value (a command, a script, a config), not a file to edit. */
const VIM_VALUES = ['-c', '--cmd', '-S', '-u', '-U', '-i', '-T', '-w', '-W', '-r', '-t', '-q', '--servername', '--remote', '--startuptime']
const EDITOR_VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  ed: ['-p', '--prompt'], red: ['-p', '--prompt'], ex: VIM_VALUES, vi: VIM_VALUES, vim: VIM_VALUES, nvim: [...VIM_VALUES, '--listen'],
  view: VIM_VALUES, vimdiff: VIM_VALUES, emacs: ['-l', '--load', '--eval', '-f', '--funcall', '--script', '-L', '--directory', '--chdir'],
  nano: ['-Y', '--syntax', '-T', '--tabsize', '-r', '--fill', '-o', '--operatingdir'], kak: ['-e', '-E', '-c', '-s', '-ui', '-f'],
}

function joinPath(dir: string, file: string): string {
  return dir === '' || file.startsWith('/') || file.startsWith('~') ? file : `${dir.replace(/\/+$/, '')}/${file}`
}

/**
 * Where `cp`/`mv`/`install`/`ln`/`ditto` write: the destination operand, and — when the destination
 * is a directory (`-t DIR`, a trailing `/`, `.`/`..`/`~`, several sources) — `DIR/<source name>`
 * for each source (`cp /tmp/x/package.json .` writes `./package.json`). A source copied by its
 * contents (`src/.`) writes names that are not visible here.
 */
export function copyDestinations(argv: readonly string[]): { dest: string[]; into: string[]; sources: string[]; directory?: string } {
  const values = ['-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group', '--backup', '--reflink', '--sparse', '--preserve', '--no-preserve']
  const target = optionValue(argv, '-t', '--target-directory')
  const args = skipValues(argv.slice(1), [...values, '-t', '--target-directory'])
  const operands = positional(args, 0)
  const noTargetDir = hasFlag(argv, '-T', '--no-target-directory')
  const dest = target ?? operands[operands.length - 1]
  const sources = target !== undefined ? operands : operands.slice(0, -1)
  if (dest === undefined) return { dest: [], into: [], sources: [] }
  const dirForm = !noTargetDir && (target !== undefined || sources.length > 1 || /(^|\/)(\.|\.\.|~)$|\/$/.test(dest) || base(argv[0] ?? '') === 'ln' && operands.length === 1)
  const into = dirForm
    ? (base(argv[0] ?? '') === 'ln' && operands.length === 1 ? operands.map((s) => `./${base(s.replace(/\/+$/, ''))}`) : sources.map((s) => base(s.replace(/\/+$/, ''))).filter((b) => b !== '' && b !== '.' && b !== '..').map((b) => joinPath(dest, b)))
    : []
  return { dest: target === undefined ? [dest] : [], into, sources, ...(dirForm ? { directory: dest } : {}) }
}

/** `sed -i` operands that are files: the script is the first operand unless given by `-e`/`-f`. */
function sedFiles(argv: readonly string[]): string[] {
  const scriptGiven = argv.some((a) => a === '-e' || a === '-f' || /^--(expression|file)(=|$)/.test(a) || /^-[a-zA-Z]*[ef]$/.test(a) && !a.startsWith('--'))
  const operands = positional(skipValues(argv.slice(1), ['-e', '--expression', '-f', '--file', '-l', '--line-length']), 0)
  return scriptGiven ? operands : operands.slice(1)
}

/** `-pN`/`-p N`/`--strip=N` of patch and git apply; `fallback` when absent. */
function stripCount(argv: readonly string[], fallback: number | undefined): number | undefined {
  const v = optionValue(argv, '-p', '--strip')
  return v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : fallback
}

/**
 * The files a patch text rewrites (`+++ b/path`, `diff --git a/x b/y`, `rename to`), with `strip`
 * leading components removed (`undefined`: patch's default, the name and its last component both
 * counted). A patch whose text is not visible (a file, a pipe) gets category `patch_unseen`.
 */
export function patchOp(text: string | undefined, strip: number | undefined, dir: string, category: string): Op {
  if (text === undefined) return op('file.update', 'patch_unseen', [], true)
  const names = new Set<string>()
  for (const m of text.matchAll(/^(?:\+\+\+|---) ([^\t\n]+)|^diff --git (\S+) (\S+)$|^(?:rename|copy) to (.+)$/gm)) {
    for (const raw of [m[1], m[2], m[3], m[4]]) {
      const name = raw?.trim().replace(/^"|"$/g, '')
      if (name === undefined || name === '' || name === '/dev/null') continue
      const segs = name.split('/')
      const stripped = strip === undefined ? [name, segs[segs.length - 1] as string] : [segs.slice(strip).join('/')]
      for (const s of stripped) if (s !== '') names.add(joinPath(dir, s))
    }
  }
  return op('file.update', category, [...names], true)
}

export const SECRET_PATTERNS: readonly RegExp[] = [
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{20,}/,
  /\b[rs]k_(live|test)_[A-Za-z0-9]{10,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  /\bsk-(ant-)?[A-Za-z0-9_-]{20,}/,
  /\bnpm_[A-Za-z0-9]{30,}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(AWS_SECRET_ACCESS_KEY|PGPASSWORD|MYSQL_PWD|GITHUB_TOKEN|NPM_TOKEN|API_KEY|SECRET_KEY|ACCESS_TOKEN|DATABASE_URL)=\S{6,}/i,
  /\b(password|passwd|secret|token|api[_-]?key)=[^\s&$]{6,}/i,
  /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]{3,}@/i,
]

