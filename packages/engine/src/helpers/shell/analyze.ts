/**
 * Shell command analysis for Claude Code's `Bash` tool (and any tool that runs a command line).
 *
 * The line is parsed by tree-sitter-bash (`parsers/bash.ts`) and walked whole (`walk.ts`); every
 * simple command is unwrapped (`sudo`, `env -S`, `timeout`, `flock`, `busybox`, …), strings that
 * run as code are parsed and walked again (`bash -c`, `eval`, `ssh host …`, `find -exec`, `xargs`,
 * `watch`, `tmux`, `script -c`, `su -c`, `git -c alias.x=!…`, `awk system()`, `parallel`), and
 * each command is classified (`classify.ts`). The line's verdict inputs are the worst of every
 * operation plus combinations: `deny_reasons` and `ask_reasons` say why, and the risk rules of
 * every action type Bash can produce gate on them.
 *
 * Everything here is a pure function of the command text and the working directory. Limits:
 * commands over MAX_COMMAND_LENGTH characters, NUL bytes, syntax errors, more than MAX_NODES
 * syntax nodes, nesting deeper than MAX_NEST, or code-in-strings deeper than MAX_DEPTH are not
 * analysed: `parse_error` with the reason, which the rules send to a person (never allow).
 */
import { MAX_PARSE_TICKS, parseBash } from '../../parsers/bash.ts'
import type { JsonObject } from '../../types.ts'
import { isGuardApi, isHistoryFile, isPersistenceLocation, isScriptedManifest } from '../guard-locations.ts'
import { classifySearch } from '../file-tools.ts'
import { classifyPath, PathKind, PathScope, worseKind, worseScope, type PathFacts } from '../path.ts'
import { classifyHost, classifyUrl } from '../url.ts'
import {
  ASSIGNMENT,
  base,
  classifyCommand,
  copyDestinations,
  curlOutput,
  hasFlag,
  hasShort,
  INFO_RANK,
  INTERPRETERS,
  looksLikeUrl,
  NETWORK_PROGRAMS,
  op,
  optionValue,
  optionValues,
  positional,
  prodWord,
  RANK,
  remoteSpec,
  SECRET_PATTERNS,
  SHELLS,
  type Ctx,
  type Op,
} from './classify.ts'
import { manifestKeyReasons, manifestRewrite, settingFromEnv, settingReasons } from './executed-config.ts'
import { handedFiles } from './handed-files.ts'
import { parseRunner, registryFetches } from './package-runners.ts'
import { WalkAbort, walkStatement, type Cmd, type WalkState, type Word } from './walk.ts'

export const MAX_COMMAND_LENGTH = 65_536
export const MAX_DEPTH = 6
export const MAX_NODES = 50_000
export const MAX_NEST = 64

export interface ShellFacts {
  readonly action: string
  readonly actions: readonly string[]
  readonly category: string
  readonly programs: readonly string[]
  readonly commands: number
  readonly readOnly: boolean
  readonly sudo: boolean
  readonly recursive: boolean
  readonly force: boolean
  readonly globs: boolean
  readonly broadTarget: boolean
  readonly targetScope: PathScope
  readonly targetKind: PathKind
  readonly writeScope: PathScope
  readonly writeKind: PathKind
  readonly touchesSecret: boolean
  readonly hosts: readonly string[]
  readonly externalHost: boolean
  readonly privateHost: boolean
  readonly metadataEndpoint: boolean
  readonly pipesToShell: boolean
  readonly remoteCode: boolean
  readonly inlineCode: boolean
  readonly remoteExec: boolean
  readonly packageInstall: boolean
  readonly packages: readonly string[]
  readonly prod: boolean
  readonly kubeContext: string
  readonly protectedBranch: boolean
  readonly deviceWrite: boolean
  readonly persistence: boolean
  readonly secretInCommand: boolean
  readonly background: boolean
  readonly flags: readonly string[]
  readonly parseError: boolean
  /** Something on the line must be refused; `denyReasons` says what. */
  readonly deny: boolean
  readonly denyReasons: readonly string[]
  /** Something on the line needs a person (at least MEDIUM); `askReasons` says what. */
  readonly ask: boolean
  readonly askReasons: readonly string[]
  /** Every reason in one sentence (deny reasons first), for verdict texts. */
  readonly reason: string
  /** A secret is read somewhere on the line; `egress`: something on it talks to the network. */
  readonly secretRead: boolean
  readonly egress: boolean
}

// ── state ───────────────────────────────────────────────────────────────────────────────────

interface Acc {
  readonly cwd: string | undefined
  readonly home: string | undefined
  readonly ctx: Ctx
  readonly ops: { op: Op; cwd: string | undefined; cwdLost: boolean; dynamic: ReadonlySet<string> }[]
  readonly programs: string[]
  readonly deny: Set<string>
  readonly ask: Set<string>
  sudo: boolean
  background: boolean
  globs: boolean
  inlineCode: boolean
  remoteCode: boolean
  remoteExec: boolean
  parseError: boolean
  commands: number
  /** Where secrets were read (for the exfiltration reason). */
  readonly secretReads: string[]
  /** Programs that send data out. */
  readonly egress: string[]
  /** Paths downloaded earlier on the line. */
  readonly downloaded: Set<string>
  /** Files written earlier on the line, with their text when it is known (echo/printf/here-document). */
  readonly written: Map<string, string | undefined>
  /** `git remote add <name> <url>` earlier on the line. */
  readonly remotes: Map<string, string>
  /** The parser's step budget (a script file gets more than a command line). */
  readonly maxParseTicks: number
}

function homeOf(cwd: string | undefined): string | undefined {
  if (cwd === undefined) return undefined
  return /^(\/home\/[^/]+|\/Users\/[^/]+|\/root)(?=\/|$)/.exec(cwd)?.[1]
}

// ── word helpers ────────────────────────────────────────────────────────────────────────────

/** Programs that only talk to the network (their stdout is remote content). */
const FETCHERS = new Set([...NETWORK_PROGRAMS, 'gh', 'aws', 'gsutil', 'gcloud', 'git', 'ssh', 'scp', 'rsync', 'nc'])

function fromNetwork(w: Word): boolean {
  return w.subst.some((c) => c.network === true || (c.program !== undefined && FETCHERS.has(c.program) && c.program !== 'git'))
}

const SECRET_VAR = /(SECRET|TOKEN|PASSW(OR)?D|PASSPHRASE|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_KEY|AUTH|COOKIE|SESSION|_PAT\b|DSN|DATABASE_URL)/i

// ── unwrapping ──────────────────────────────────────────────────────────────────────────────

interface Spec {
  /** Options taking a value (separate word unless joined). */
  readonly value: readonly string[]
  /** Leading positional words before the command (`timeout 5`, `taskset 0x1`, `flock file`). */
  readonly skip?: number
}

/** Wrappers that run their argument vector as a command, with their option grammars. */
const WRAPPERS: Readonly<Record<string, Spec>> = {
  command: { value: [] },
  builtin: { value: [] },
  exec: { value: ['-a'] },
  time: { value: ['-f', '--format', '-o', '--output'] },
  nice: { value: ['-n', '--adjustment'] },
  ionice: { value: ['-c', '--class', '-n', '--classdata', '-p', '--pid', '-P', '--pgid', '-u', '--uid'] },
  taskset: { value: [], skip: 1 },
  chrt: { value: [], skip: 1 },
  flock: { value: ['-w', '--wait', '--timeout', '-E', '--conflict-exit-code'], skip: 1 },
  stdbuf: { value: ['-i', '-o', '-e', '--input', '--output', '--error'] },
  timeout: { value: ['-s', '--signal', '-k', '--kill-after'], skip: 1 },
  nohup: { value: [] },
  setsid: { value: [] },
  disown: { value: [] },
  caffeinate: { value: ['-t', '-w'] },
  unbuffer: { value: [] },
  chronic: { value: [] },
  sudo: { value: ['-u', '--user', '-g', '--group', '-h', '--host', '-p', '--prompt', '-C', '--close-from', '-D', '--chdir', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout', '-R', '--chroot'] },
  doas: { value: ['-u', '-C'] },
  pkexec: { value: ['--user'] },
  run0: { value: ['--user', '-u', '--group', '-g', '--chdir', '-D', '--setenv', '--unit', '--property'] },
  runuser: { value: ['-u', '--user', '-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w', '--whitelist-environment'] },
  chroot: { value: ['--userspec', '--groups'], skip: 1 },
  strace: { value: ['-e', '-o', '-p', '-s', '-u', '-E', '-O', '-S', '-a', '-b', '-I', '-P', '-X'] },
  ltrace: { value: ['-e', '-o', '-p', '-s', '-u', '-n', '-a', '-A', '-D', '-l', '-L'] },
  valgrind: { value: [] },
  firejail: { value: [] },
  unshare: { value: ['-S', '--setuid', '-G', '--setgid', '--map-user', '--map-group', '--map-users', '--map-groups', '--propagation', '--setgroups', '-R', '--root', '-w', '--wd'] },
  nsenter: { value: ['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-R', '--root', '-w', '--wd'] },
  'systemd-run': { value: ['-u', '--unit', '-p', '--property', '-E', '--setenv', '--description', '--slice', '-M', '--machine', '-H', '--host', '--uid', '--gid', '--working-directory', '--on-calendar', '--on-active', '--on-boot'] },
  'xvfb-run': { value: ['-n', '--server-num', '-s', '--server-args', '-f', '--auth-file', '-e', '--error-file', '-p'] },
  'dbus-launch': { value: ['--config-file'] },
  'dbus-run-session': { value: ['--config-file', '--dbus-daemon'] },
  proxychains: { value: ['-f'] },
  proxychains4: { value: ['-f'] },
  torsocks: { value: [] },
  catchsegv: { value: [] },
  'with-contenv': { value: [] },
  'dotenv': { value: ['-e', '-f', '-v'] },
}

/** Skips options per `spec` from `argv[from]`; returns the index of the command word. */
function skipWith(argv: readonly string[], from: number, spec: Spec): number {
  let i = from
  while (i < argv.length) {
    const a = argv[i] as string
    if (a === '--') {
      i += 1
      break
    }
    if (!a.startsWith('-') || a === '-') break
    if (spec.value.includes(a)) i += 2
    else if (/^-[a-zA-Z]{2,}$/.test(a) && !spec.value.includes(a)) {
      // a cluster of short options (`sudo -iu bob`): a value option last in it takes the next word
      i += spec.value.includes(`-${a[a.length - 1] as string}`) && ![...a.slice(1, -1)].some((l) => spec.value.includes(`-${l}`)) ? 2 : 1
    } else i += 1
  }
  for (let k = 0; k < (spec.skip ?? 0) && i < argv.length; k += 1) i += 1
  return i
}

interface Inline {
  readonly text: string
  readonly dynamic: boolean
  readonly network: boolean
  /** `shell` (parse it), `remote` (parse it; runs on another host). */
  readonly kind: 'shell' | 'remote'
  readonly origin: string
}

interface Unwrapped {
  argv: string[]
  words: Word[]
  inline: Inline[]
  /** Argument vectors another program runs as commands (`screen cmd args`, `parallel cmd ::: a`). */
  sub: Word[][]
  sudo: boolean
  xargs: boolean
  background: boolean
  env: string[]
  /** The command word is not a literal. */
  dynamicProgram?: string
  /** `xargs -I <str>`. */
  xargsReplace?: string
  remoteHost?: string
}

function wordsFromStrings(strs: readonly string[]): Word[] {
  return strs.map((text) => ({ text, dynamic: false, subst: [], glob: false }))
}

function shellSplit(s: string): string[] {
  return s.trim().split(/\s+/).filter((x) => x !== '')
}

/**
 * Options of ordinary programs whose value is run as a shell command (`tar --to-command`,
 * `rsync -e`, `zip -TT`, `git rebase --exec`), or as the program's own command language with a
 * shell escape (`vim -c '!…'`, `gdb -ex 'shell …'`, `less '+!…'`). Values with `=` joined or given
 * as the next word. A command language that is not a plain shell escape is asked about.
 */
const STDIN_FILE = /^(-|\/dev\/stdin|\/dev\/fd\/[0-9]+|\/proc\/self\/fd\/[0-9]+)$/

const SHELL_CODE_OPTIONS: Record<string, readonly string[]> = {
  tar: ['--to-command', '--use-compress-program', '-I', '--rsh-command', '--info-script', '-F', '--new-volume-script', '--checkpoint-action'],
  gtar: ['--to-command', '--use-compress-program', '-I', '--rsh-command', '--info-script', '-F', '--new-volume-script', '--checkpoint-action'],
  bsdtar: ['--use-compress-program'],
  zip: ['-TT', '--unzip-command'],
  rsync: ['-e', '--rsh', '--rsync-path'],
  make: ['--eval'],
  // a program run on each file or for a step: `rg --pre CMD` (and its host-name helper), `sort
  // --compress-program`, `man -P`, `scp -S`; judged as the command line it names
  rg: ['--pre', '--hostname-bin'],
  sort: ['--compress-program'],
  man: ['-P', '--pager'],
  scp: ['-S'],
  sftp: ['-S'],
  // git subcommands, keyed `git <sub>` (git's own options skipped)
  'git rebase': ['--exec', '-x'],
  'git difftool': ['-x', '--extcmd'],
  'git clone': ['-u', '--upload-pack'],
  'git fetch': ['--upload-pack'],
  'git pull': ['--upload-pack'],
  'git ls-remote': ['--upload-pack'],
  'git push': ['--receive-pack', '--exec'],
  'git archive': ['--exec'],
  'git grep': ['-O', '--open-files-in-pager'],
  'git filter-branch': ['--tree-filter', '--index-filter', '--msg-filter', '--env-filter', '--commit-filter', '--parent-filter', '--tag-name-filter', '--setup'],
}
/** Options whose value is optional and so only joined to them (`git grep -Ovim`, `--open-files-in-pager=vim`). */
const JOINED_ONLY = new Set(['git grep -O', 'git grep --open-files-in-pager'])
/** ssh options (`-o Key=Value`) whose value is a command run on this machine. */
const SSH_COMMAND_KEYS = /^(proxycommand|localcommand|knownhostscommand)$/i
const GIT_GLOBAL_VALUES = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']

/**
 * A code option's command that is a bare shell or interpreter (`sh`, `bash -s`, `python3`, `env node`):
 * the program appends a file or pipes data to it (`rg --pre` per searched file, `tar --to-command` per
 * extracted member, `git difftool -x` per changed file), so that data runs as code unread.
 */
function runsItsInputAsCode(command: string): boolean {
  const words = shellSplit(command)
  while (words.length > 0 && /^(env|command|exec|nice|nohup|stdbuf)$/.test(base(words[0] as string))) words.shift()
  const program = base(words[0] ?? '')
  if (!(SHELLS.has(program) || INTERPRETERS.has(program) || /^python[0-9.]*$/.test(program))) return false
  return words.slice(1).every((a) => a.startsWith('-') && !/^-[a-z]*[ce]$/i.test(a))
}

/** The key of `SHELL_CODE_OPTIONS` for a command: its program, or `git <sub>`. */
function codeOptionKey(name: string, argv: readonly string[]): string {
  if (name !== 'git') return name
  return `git ${argv[skipWith(argv, 1, { value: GIT_GLOBAL_VALUES })] ?? ''}`
}
const EDITOR_COMMAND_OPTIONS: Record<string, readonly string[]> = {
  vim: ['-c', '--cmd'], vi: ['-c', '--cmd'], nvim: ['-c', '--cmd'], view: ['-c', '--cmd'], ex: ['-c', '--cmd'],
  vimdiff: ['-c', '--cmd'], gdb: ['-ex', '--eval-command', '-iex', '--init-eval-command'], less: [], more: [],
}

interface CodeOption {
  readonly index: number
  readonly option: string
  /** The shell command it runs; undefined when it is the program's own language (asked). */
  readonly shell?: string
}

function codeOptionValues(name: string, argv: readonly string[]): CodeOption[] {
  const out: CodeOption[] = []
  const key = codeOptionKey(name, argv)
  if (name === 'ssh' || name === 'scp' || name === 'sftp' || name === 'autossh') {
    // `-o ProxyCommand=…`, `-oLocalCommand=…`, `-o 'ProxyCommand …'`
    for (let i = 1; i < argv.length; i += 1) {
      const a = argv[i] as string
      const joined = a.startsWith('-o') && a.length > 2
      const kv = a === '-o' ? argv[i + 1] : joined ? a.slice(2) : undefined
      const m = kv === undefined ? null : /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/s.exec(kv)
      if (m !== null && SSH_COMMAND_KEYS.test(m[1] as string) && !/^none$/i.test((m[2] as string).trim())) {
        out.push({ index: joined ? i : i + 1, option: `-o ${m[1] as string}`, shell: (m[2] as string).replace(/%[%hprnCdiLlTuk]/g, 'x') })
      }
    }
  }
  const shellOpts = SHELL_CODE_OPTIONS[key]
  const editorOpts = EDITOR_COMMAND_OPTIONS[name]
  if (shellOpts === undefined && editorOpts === undefined) return out
  for (let i = 1; i < argv.length; i += 1) {
    const a = argv[i] as string
    let option: string | undefined
    let value: string | undefined
    let index = i
    for (const o of [...(shellOpts ?? []), ...(editorOpts ?? [])]) {
      const joinedOnly = JOINED_ONLY.has(`${key} ${o}`)
      if (a === o && i + 1 < argv.length && !joinedOnly) {
        option = o
        value = argv[i + 1]
        index = i + 1
      } else if (o.startsWith('--') && a.startsWith(`${o}=`)) {
        option = o
        value = a.slice(o.length + 1)
      } else if (/^-[A-Za-z]$/.test(o) && shellOpts?.includes(o) === true && a.startsWith(o) && a.length > 2) {
        // a short option with its value joined (`-x'make test'`, `-Ovim`)
        option = o
        value = a.slice(2)
      }
    }
    // vim `+cmd`, less `+cmd`
    if (option === undefined && editorOpts !== undefined && a.startsWith('+') && a.length > 1) {
      option = '+'
      value = a.slice(1)
    }
    if (option === undefined || value === undefined) continue
    if (shellOpts?.includes(option) === true) {
      // `--checkpoint-action=exec=CMD`; other checkpoint actions (dot, echo, …) run nothing
      if (option === '--checkpoint-action') {
        if (/^exec=/.test(value)) out.push({ index, option, shell: value.slice(5) })
      } else out.push({ index, option, shell: value })
      continue
    }
    const escape = /^\s*:*\s*(?:[.$%0-9,]*\s*)?(?:!|sh(?:ell)?\s+|silent!?\s*!|pipe\s+)(.*)$/s.exec(value)
    if (escape !== null) out.push({ index, option, shell: escape[1] ?? '' })
    else if (/!|\b(system|systemlist|py3?|python3?|pyx|lua|perl|ruby|mzscheme|term(inal)?|call|source|so|exe(cute)?|w(rite)?|sav(eas)?|r(ead)?)\b/.test(value)) {
      out.push({ index, option })
    }
  }
  return out
}

/** Removes wrappers; collects strings that will run as shell code. */
/** Programs that run `-- command` with secrets in its environment. */
const SECRET_INJECTORS = /^(doppler run|op run|infisical run|dotenvx run|chamber exec|aws-vault exec|teller run|vault-env|envchain \S+|sops exec-env|berglas exec)\b/

/** Package managers and runners whose inner command `parseRunner` finds. */
const PACKAGE_RUNNER_NAMES = new Set(['npx', 'pnpx', 'bunx', 'npm', 'pnpm', 'yarn', 'bun', 'uvx', 'uv', 'pipx'])

/**
 * Programs that run the command after them in a prepared environment (a virtualenv, a bundle, a
 * tool version, a dev shell, extra variables): where that command starts (`at`), or the word
 * holding a shell string (`shell`); undefined when `argv` is not one.
 */
function environmentRunner(argv: readonly string[]): { at: number; shell?: undefined } | { shell: number; at?: undefined } | undefined {
  const name = base(argv[0] ?? '')
  const sub = argv[1] ?? ''
  const after = (from: number, value: readonly string[] = []): { at: number } => {
    const dash = argv.indexOf('--', from)
    return { at: dash > 0 ? dash + 1 : skipWith(argv, from, { value: [...value] }) }
  }
  if (/^(poetry|pipenv|pdm|hatch|rye|devbox|pixi)$/.test(name) && sub === 'run') return after(2, ['-C', '--directory', '-e', '--environment', '--env', '-p', '--project'])
  if (/^(bundle|bundler|asdf|rbenv|pyenv|nodenv|goenv|jenv|plenv|direnv|fnm)$/.test(name) && sub === 'exec') {
    if (name === 'direnv') return argv.length > 3 ? { at: 3 } : undefined
    return after(2, ['--using', '--gemfile'])
  }
  if (/^(mise|rtx)$/.test(name) && (sub === 'exec' || sub === 'x')) {
    const dash = argv.indexOf('--', 2)
    const c = argv.findIndex((a, i) => i > 1 && (a === '-c' || a === '--command'))
    if (c > 0) return { shell: c + 1 }
    return dash > 0 ? { at: dash + 1 } : undefined
  }
  if (name === 'volta' && sub === 'run') return after(2, ['--node', '--npm', '--pnpm', '--yarn', '--env'])
  if (/^(conda|mamba|micromamba)$/.test(name) && sub === 'run') return after(2, ['-n', '--name', '-p', '--prefix', '--cwd'])
  if (name === 'nix' && (sub === 'develop' || sub === 'shell')) {
    const c = argv.findIndex((a, i) => i > 1 && (a === '-c' || a === '--command'))
    return c > 0 ? { at: c + 1 } : undefined
  }
  if (name === 'nix-shell') {
    const c = argv.findIndex((a) => a === '--run' || a === '--command')
    return c > 0 ? { shell: c + 1 } : undefined
  }
  if (name === 'cross-env' || name === 'cross-env-shell') {
    let i = 1
    while (i < argv.length && ASSIGNMENT.test(argv[i] as string)) i += 1
    return name === 'cross-env-shell' ? { shell: i } : { at: i }
  }
  if (name === 'env-cmd') return after(1, ['-f', '--file', '-e', '--environments', '-r', '--rc-file'])
  return undefined
}

/** GNU parallel's replacement strings (`{}`, `{.}`, `{/}`, `{//}`, `{/.}`, `{#}`, `{%}`, `{1}`, …). */
const PARALLEL_PLACEHOLDER = /\{(\.|\/|\/\/|\/\.|#|%|[0-9]+(\.|\/|\/\/|\/\.)?)?\}/
const PARALLEL_PLACEHOLDERS = new RegExp(PARALLEL_PLACEHOLDER.source, 'g')
/** fd's placeholders in `-x`/`-X` commands. */
const FD_PLACEHOLDER = /\{(\/|\/\/|\.|\/\.)?\}/
const FD_PLACEHOLDERS = new RegExp(FD_PLACEHOLDER.source, 'g')
const FD_VALUES = ['-e', '--extension', '-t', '--type', '-E', '--exclude', '-d', '--max-depth', '--min-depth', '--exact-depth', '-S', '--size',
  '-c', '--color', '-j', '--threads', '--changed-within', '--changed-before', '--change-newer-than', '--change-older-than', '-o', '--owner',
  '--ignore-file', '--base-directory', '--search-path', '--path-separator', '--batch-size', '--max-buffer-time', '--max-results', '--format', '--and', '--hyperlink']

/** What fd matches, as a glob: under its search path (`fd PATTERN PATH`, `--search-path`), else the working directory. */
function fdMatchGlob(argv: readonly string[]): string {
  const pos: string[] = []
  for (let i = 1; i < argv.length; i += 1) {
    const a = argv[i] as string
    if (FD_VALUES.includes(a)) i += 1
    else if (!a.startsWith('-') || a === '-') pos.push(a)
  }
  const root = optionValue(argv, '--search-path') ?? pos[1] ?? optionValue(argv, '--base-directory') ?? '.'
  return `${root.replace(/\/$/, '')}/*`
}

function unwrap(words: readonly Word[], acc: Acc): Unwrapped {
  let w = [...words]
  const out: Unwrapped = { argv: [], words: [], inline: [], sub: [], sudo: false, xargs: false, background: false, env: [] }
  const inline = (word: Word | undefined, kind: Inline['kind'], origin: string, extra: readonly Word[] = []): void => {
    if (word === undefined) return
    const all = [word, ...extra]
    out.inline.push({
      text: all.map((x) => x.text).join(' '),
      dynamic: all.some((x) => x.dynamic),
      network: all.some(fromNetwork),
      kind,
      origin,
    })
  }
  for (let guard = 0; guard < 24 && w.length > 0; guard += 1) {
    const first = w[0] as Word
    if (first.dynamic) {
      out.dynamicProgram = first.text
      break
    }
    // `$X`, `$(echo rm)`: judged by its known value, but never allowed silently.
    if (first.expanded === true) acc.ask.add(`the command word comes from a variable or substitution (${first.text.slice(0, 40)})`)
    const argv = w.map((x) => x.text)
    const name = base(first.text)
    if (ASSIGNMENT.test(first.text)) {
      out.env.push(first.text)
      w = w.slice(1)
      continue
    }
    const spec = WRAPPERS[name]
    if (spec !== undefined) {
      if (['sudo', 'doas', 'pkexec', 'run0', 'runuser', 'chroot'].includes(name)) {
        out.sudo = true
        acc.ask.add(`runs as another user (${name})`)
      }
      if (name === 'nohup' || name === 'setsid' || name === 'disown') out.background = true
      // `systemd-run --on-calendar=…`/`--on-active`/`--on-boot`/`--timer-property`: a transient timer
      // runs the command again later, unattended (scheduling: persistence)
      if (name === 'systemd-run' && argv.some((a) => /^--(on-[a-z-]+|timer-property)(=|$)/.test(a))) {
        acc.ctx.flags.add('persistence')
        acc.ask.add('systemd-run schedules the command on a timer (runs again later, unattended)')
      }
      if (name === 'sudo' && argv.some((a) => /^-[a-zA-Z]*[is]$/.test(a)) && skipWith(argv, 1, spec) >= argv.length) {
        acc.ask.add('opens a root shell (sudo -i/-s)')
      }
      if (name === 'sudo' && argv.some((a) => a === '-e' || a === '--edit')) {
        w = [{ text: 'sudoedit', dynamic: false, subst: [], glob: false }, ...w.slice(skipWith(argv, 1, spec))]
        continue
      }
      if (name === 'flock') {
        const c = argv.findIndex((a) => a === '-c' || a === '--command')
        if (c > 0) {
          inline(w[c + 1], 'shell', 'flock -c')
          w = []
          break
        }
      }
      if (name === 'nice' && /^-[0-9]+$/.test(argv[1] ?? '')) {
        w = w.slice(2)
        continue
      }
      // `runuser [-l] user -c '…'`: su's form (without `-u`), the command is a shell string
      if (name === 'runuser' && !argv.some((a) => a === '-u' || a === '--user' || a.startsWith('--user=') || /^-[a-zA-Z]*u[a-zA-Z]*$/.test(a))) {
        const c = argv.findIndex((a) => a === '-c' || a === '--command' || a.startsWith('--command='))
        if (c > 0) {
          const a = argv[c] as string
          if (a.startsWith('--command=')) inline({ ...(w[c] as Word), text: a.slice('--command='.length) }, 'shell', 'runuser -c')
          else inline(w[c + 1], 'shell', 'runuser -c')
        }
        w = []
        break
      }
      if (name === 'chroot' && skipWith(argv, 1, spec) >= argv.length) {
        acc.ask.add('opens a shell in a chroot')
      }
      w = w.slice(skipWith(argv, 1, spec))
      continue
    }
    if (name === 'env') {
      let i = 1
      let split: string | undefined
      while (i < argv.length) {
        const a = argv[i] as string
        if (ASSIGNMENT.test(a)) {
          out.env.push(a)
          i += 1
        } else if (a === '-S' || a === '--split-string') {
          split = argv[i + 1]
          i += 2
          break
        } else if (a.startsWith('-S') && a.length > 2) {
          split = a.slice(2)
          i += 1
          break
        } else if (a.startsWith('--split-string=')) {
          split = a.slice('--split-string='.length)
          i += 1
          break
        } else if (a === '-u' || a === '--unset' || a.startsWith('--unset=') || /^-u[A-Za-z_]/.test(a)) {
          // `env -u HISTFILE bash`: the shell started without its history settings
          const v = a === '-u' || a === '--unset' ? argv[i + 1] ?? '' : a.startsWith('--unset=') ? a.slice(8) : a.slice(2)
          if (HISTORY_VARS.test(v)) acc.ask.add(`starts a program with ${v} unset (env -u ${v}): stops or hides the shell's history of what is run`)
          i += a === '-u' || a === '--unset' ? 2 : 1
        } else if (a === '-C' || a === '--chdir' || a === '-P') i += 2
        else if (a === '--') {
          i += 1
          break
        } else if (a.startsWith('-')) i += 1
        else break
      }
      if (split !== undefined) {
        w = [...wordsFromStrings(shellSplit(split)), ...w.slice(i)]
        continue
      }
      if (i >= argv.length) break // bare `env` prints the environment
      w = w.slice(i)
      continue
    }
    if (name === 'busybox' || name === 'toybox') {
      if (argv[1] === undefined || argv[1].startsWith('-')) break
      w = w.slice(1)
      continue
    }
    if (name === 'su') {
      out.sudo = true
      acc.ask.add('switches user (su)')
      const c = argv.findIndex((a) => a === '-c' || a === '--command' || a.startsWith('--command='))
      if (c > 0) {
        const a = argv[c] as string
        if (a.startsWith('--command=')) inline({ ...(w[c] as Word), text: a.slice('--command='.length) }, 'shell', 'su -c')
        else inline(w[c + 1], 'shell', 'su -c')
      }
      w = []
      break
    }
    if (name === 'sg' && argv.length >= 3) {
      inline(w[argv[2] === '-c' ? 3 : 2], 'shell', 'sg')
      w = []
      break
    }
    if (name === 'xargs') {
      out.xargs = true
      const ri = argv.findIndex((a) => a.startsWith('-I') || a === '-i' || a.startsWith('--replace'))
      const ra = argv[ri] ?? ''
      if (ri > 0) out.xargsReplace = ra === '-I' ? argv[ri + 1] ?? '{}' : ra.startsWith('-I') ? ra.slice(2) : ra.startsWith('--replace=') ? ra.slice(10) : '{}'
      const i = skipWith(argv, 1, { value: ['-I', '-i', '-n', '-P', '-d', '-L', '-l', '-s', '-E', '-e', '-a', '--max-args', '--delimiter', '--max-procs', '--arg-file', '--replace', '--max-lines', '--max-chars', '--eof'] })
      const repl = out.xargsReplace
      w = w.slice(i).map((x) => (repl !== undefined && x.text.includes(repl) ? { ...x, dynamic: true } : x))
      if (w.length === 0) w = wordsFromStrings(['echo'])
      continue
    }
    if (name === 'watch') {
      const i = skipWith(argv, 1, { value: ['-n', '--interval', '-d', '--differences', '-q', '--equexit', '-g', '-c', '--chgexit', '-e', '-x'] })
      const rest = w.slice(i)
      if (rest.length === 1) {
        inline(rest[0], 'shell', 'watch')
        w = []
        break
      }
      // `watch -x cmd args` or `watch cmd args`: run as a command.
      if (rest.length > 0) out.sub.push(rest)
      w = []
      break
    }
    if (name === 'parallel') {
      const sep = argv.findIndex((a) => a === ':::' || a === '::::' || a === ':::+' || a === '::::+')
      const i = skipWith(argv, 1, { value: ['-j', '--jobs', '-P', '--max-procs', '-S', '--sshlogin', '--joblog', '-a', '--arg-file', '--delay', '--timeout', '-I', '--colsep', '-C', '-n', '-N', '--max-args', '--tmpdir', '--results', '--res', '--tag-string', '--workdir', '--wd', '-d', '--delimiter', '-E', '--eof', '--sshloginfile', '--slf', '--retries', '--memfree', '--load', '--nice', '--termseq', '--block', '--block-size', '--shebang-wrap', '--env', '--basefile', '--bf', '--return', '--transfer-file', '--tf'] })
      const cmdWords = w.slice(i, sep > 0 ? sep : undefined)
      // `:::: file` and `-a file` name files of arguments: unknown here
      const fromFiles = argv[sep] === '::::' || argv[sep] === '::::+' || argv.some((a) => a === '-a' || a.startsWith('--arg-file'))
      const given = sep > 0 && !fromFiles ? w.slice(sep + 1).filter((x) => !x.text.startsWith(':::')) : []
      const args: Word[] = given.length > 0 ? given : [{ text: '$PARALLEL', dynamic: true, subst: [], glob: false }]
      const replace = (text: string, a: Word): string => text.replace(PARALLEL_PLACEHOLDERS, a.dynamic ? '"$PARALLEL"' : quoteWord(a.text))
      if (cmdWords.length === 1 && (/\s|[;&|`$<>()]/.test(cmdWords[0]?.text ?? '') || given.length === 0)) {
        // one word: a command line run by a shell, each argument put in for `{}` (or appended)
        const template = cmdWords[0] as Word
        for (const a of args.slice(0, 8)) {
          inline({ ...template, text: PARALLEL_PLACEHOLDER.test(template.text) ? replace(template.text, a) : `${template.text} ${a.dynamic ? '"$PARALLEL"' : quoteWord(a.text)}` }, 'shell', 'parallel')
        }
      } else if (cmdWords.length > 0) {
        for (const a of args.slice(0, 8)) {
          const placed = cmdWords.some((c) => PARALLEL_PLACEHOLDER.test(c.text))
          const words = cmdWords.map((c) => (PARALLEL_PLACEHOLDER.test(c.text) ? { ...c, text: c.text.replace(PARALLEL_PLACEHOLDERS, a.text), dynamic: c.dynamic || a.dynamic } : c))
          out.sub.push(placed ? words : [...words, a])
        }
      }
      w = []
      break
    }
    // `fd … -x/--exec CMD …` (once per match) and `-X/--exec-batch CMD …` (once, all matches):
    // the command is judged with `{}` (and `{/}`, `{//}`, `{.}`, `{/.}`) as what fd can match
    if (name === 'fd' || name === 'fdfind') {
      const x = argv.findIndex((a, k) => k > 0 && /^(-x|-X|--exec|--exec-batch)(=|$)/.test(a))
      if (x > 0) {
        const a = argv[x] as string
        const stop = argv.findIndex((b, k) => k > x && (b === ';' || b === '\\;'))
        const end = stop > 0 ? stop : argv.length
        const first: Word[] = a.includes('=') ? [{ ...(w[x] as Word), text: a.slice(a.indexOf('=') + 1) }] : []
        const cmdWords = [...first, ...w.slice(x + 1, end)]
        const match = fdMatchGlob([...argv.slice(0, x), ...argv.slice(end + 1)])
        const placed = cmdWords.some((c) => FD_PLACEHOLDER.test(c.text))
        const sub = cmdWords.map((c) => (FD_PLACEHOLDER.test(c.text) ? { ...c, text: c.text.replace(FD_PLACEHOLDERS, match), glob: true } : c))
        if (sub.length > 0) out.sub.push(placed ? sub : [...sub, { text: match, dynamic: false, subst: [], glob: true }])
        break
      }
    }
    if (name === 'git') {
      const gi = skipWith(argv, 1, { value: GIT_GLOBAL_VALUES })
      // `git bisect run CMD args…`: the command runs at each bisection step
      if (argv[gi] === 'bisect' && argv[gi + 1] === 'run' && argv.length > gi + 2) out.sub.push(w.slice(gi + 2))
      // `git submodule foreach [--recursive] CMD…`: a shell command line run in every submodule
      if (argv[gi] === 'submodule') {
        const f = argv.indexOf('foreach', gi + 1)
        let k = f + 1
        while (f > 0 && k < argv.length && /^(--recursive|-q|--quiet|--)$/.test(argv[k] as string)) k += 1
        if (f > 0 && k < argv.length) inline(w[k], 'shell', 'git submodule foreach', w.slice(k + 1))
      }
    }
    if (name === 'script') {
      const c = argv.findIndex((a, i) => i > 0 && (a === '--command' || /^-[a-zA-Z]*c$/.test(a)))
      const joined = argv.findIndex((a) => a.startsWith('--command='))
      if (c > 0) inline(w[c + 1], 'shell', 'script -c')
      else if (joined > 0) inline({ ...(w[joined] as Word), text: argv[joined]?.slice('--command='.length) ?? '' }, 'shell', 'script -c')
      w = []
      break
    }
    if (name === 'alias') {
      // an alias body runs as code the next time its name is typed
      for (const x of w.slice(1)) {
        const eq = x.text.indexOf('=')
        if (eq > 0) inline({ ...x, text: x.text.slice(eq + 1) }, 'shell', 'alias')
      }
      break
    }
    if ((name === 'make' || name === 'gmake') && argv.some((a, i) => ((a === '-f' || a === '--file' || a === '--makefile') && STDIN_FILE.test(argv[i + 1] ?? '')) || (/^--(file|makefile)=/.test(a) && STDIN_FILE.test(a.slice(a.indexOf('=') + 1))))) {
      acc.ask.add(`${name} runs a Makefile given inline (stdin)`)
    }
    for (const found of codeOptionValues(name, argv)) {
      const word = w[found.index] as Word
      if (found.shell === undefined) acc.ask.add(`${name} ${found.option} runs commands of its own`)
      else {
        if (runsItsInputAsCode(found.shell)) acc.ask.add(`${codeOptionKey(name, argv)} ${found.option} hands files or data to ${found.shell.trim()} to run as code`)
        inline({ ...word, text: found.shell }, 'shell', `${codeOptionKey(name, argv)} ${found.option}`)
      }
    }
    if (name === 'tmux') {
      // hooks and key bindings run their command later, on an event: persistence for the session
      const later = argv.findIndex((a, i) => i > 0 && /^(set-hook|bind-key|bind|source-file|source|set-option|set)$/.test(a))
      if (later > 0 && (/^(set-hook|bind-key|bind|source-file|source)$/.test(argv[later] as string) || argv.slice(later + 1).some((a) => /(^|-)hook|^(default-command|default-shell|status-(left|right)|pane-border-format)$/.test(a)))) {
        acc.ask.add(`tmux ${argv[later] as string} makes tmux run commands later, on an event (persistence)`)
      }
      // `if-shell CMD …`, `pipe-pane CMD`: a shell command line
      const sh = argv.findIndex((a, i) => i > 0 && /^(if-shell|if|pipe-pane|pipep)$/.test(a))
      if (sh > 0) {
        let i = sh + 1
        while (i < argv.length && (argv[i] as string).startsWith('-')) i += (argv[i] as string) === '-t' ? 2 : 1
        if (w[i] !== undefined) inline(w[i], 'shell', `tmux ${argv[sh] as string}`)
      }
    }
    if (name === 'tmux' || name === 'screen' || name === 'byobu') {
      const sub = argv.findIndex((a, i) => i > 0 && /^(new-session|new|new-window|neww|split-window|splitw|send-keys|send|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run|display-popup|popup)$/.test(a))
      if (name === 'tmux' && sub > 0) {
        const valueOpts = ['-s', '-n', '-t', '-c', '-x', '-y', '-F', '-e', '-l', '-w', '-h', '-S', '-L', '-f', '-T', '-d', '-b']
        let i = sub + 1
        while (i < argv.length && (argv[i] as string).startsWith('-')) i += ['-d', '-P', '-b', '-h', '-v', '-f', '-Z', '-k', '-a', '-E', '-A', '-D', '-l', '-R', '-X', '-H', '-M', '-N', '-r', '-K', '-p', '-C', '-B'].includes(argv[i] as string) && !valueOpts.slice(0, 12).includes(argv[i] as string) ? 1 : 2
        const rest = w.slice(i).filter((x) => !/^(Enter|C-m|KPEnter)$/.test(x.text))
        if (rest.length === 1 || /^send/.test(argv[sub] as string)) inline(rest[0], 'shell', `tmux ${argv[sub] as string}`, rest.slice(1))
        else if (rest.length > 1) out.sub.push(rest)
      } else if (name === 'screen') {
        const i = skipWith(argv, 1, { value: ['-S', '-c', '-t', '-p', '-X', '-e', '-h', '-L', '-Logfile', '-s', '-T'] })
        const rest = w.slice(i)
        const x = argv.indexOf('-X')
        if (x > 0 && argv[x + 1] === 'stuff') inline(w[x + 2], 'shell', 'screen -X stuff')
        else if (rest.length === 1) inline(rest[0], 'shell', 'screen')
        else if (rest.length > 1) out.sub.push(rest)
      }
      w = []
      break
    }
    // `npx -c '…'`, `npm exec|x -c '…'`, `pnpm exec|dlx -c …`: the string runs in a shell (with
    // the packages of `-p` downloaded first)
    const runner = PACKAGE_RUNNER_NAMES.has(name) ? parseRunner(argv) : undefined
    if (runner !== undefined && (name === 'npx' || name === 'npm' || name === 'pnpm')) {
      const opts = argv.slice(0, argv.length - runner.argv.length)
      const c = opts.findIndex((a) => a === '-c' || a === '--call')
      const npmCall = /^(npx|npm exec|npm x)$/.test(runner.via) && c > 0
      const pnpmShell = /^pnpm (exec|dlx)$/.test(runner.via) && opts.some((a) => a === '-c' || a === '--shell-mode') && runner.argv.length > 0
      if (npmCall || pnpmShell) {
        for (const f of registryFetches(argv, out.env)) {
          acc.remoteCode = true
          acc.ask.add(f.reason)
        }
        const at = npmCall ? c + 1 : argv.length - runner.argv.length
        inline(w[at], 'shell', `${runner.via} -c`, pnpmShell ? w.slice(at + 1) : [])
        w = []
        break
      }
    }
    // The command a package runner starts (`pnpm exec rm -rf ~`, `npx --no tsc`, `uv run x`) is a
    // command like any other: judged too, beside the runner's own judgement of what it fetches.
    if (runner !== undefined && runner.argv.length > 0 && !/ (create|init|innit)$/.test(runner.via)) {
      const inner = w.slice(argv.length - runner.argv.length)
      // `npx prettier@3 …` runs the package's bin: judged by the name, without its version
      const spec = /^((?:@[^/@\s]+\/)?[^/@\s]+)@[^/\s]+$/.exec(inner[0]?.text ?? '')
      if (spec?.[1] !== undefined) inner[0] = { ...(inner[0] as Word), text: spec[1].replace(/^@[^/]+\//, '') }
      out.sub.push(inner)
    }
    // Environment runners: the command after them runs as itself (`poetry run`, `bundle exec`, …).
    if (name === 'concurrently') {
      // each argument is a shell command line
      for (let i = skipWith(argv, 1, { value: ['-n', '--names', '-c', '--prefix-colors', '-p', '--prefix', '-k', '--kill-others-on-fail', '--max-processes', '-m', '--success', '-s', '--restart-tries', '--restart-after', '--timestamp-format', '-t', '--prefix-length', '-l', '--cwd', '--default-input-target', '--handle-input', '-i', '--names-separator'] }); i < argv.length; i += 1) {
        if (!(argv[i] as string).startsWith('-')) inline(w[i], 'shell', 'concurrently')
      }
      w = []
      break
    }
    // Secret injectors (`doppler run -- cmd`, `op run -- cmd`, `aws-vault exec p -- cmd`, …): the
    // command after `--` is judged as a command too; the injector stays, judged as what it is.
    if (SECRET_INJECTORS.test(`${name} ${argv[1] ?? ''}`)) {
      const dash = argv.indexOf('--')
      if (dash > 0 && dash < argv.length - 1) out.sub.push(w.slice(dash + 1))
      break
    }
    const env = environmentRunner(argv)
    if (env !== undefined) {
      if (env.shell !== undefined) inline(w[env.shell], 'shell', `${name} ${argv[1] ?? ''}`.trim())
      else {
        for (const a of argv.slice(1, env.at)) if (ASSIGNMENT.test(a)) out.env.push(a)
        w = w.slice(env.at)
        if (w.length > 0) continue
      }
      w = []
      break
    }
    // commands run inside a container or pod: judged as commands on another host
    if ((name === 'docker' || name === 'podman' || name === 'nerdctl') && argv[1] === 'exec' || name === 'kubectl' && argv[1] === 'exec') {
      const dash = argv.indexOf('--')
      const i = dash > 0 ? dash + 1 : skipWith(argv, 2, { value: ['-u', '--user', '-w', '--workdir', '-e', '--env', '--env-file', '-c', '--container', '-n', '--namespace', '--detach-keys', '--context'] }) + 1
      const rest = w.slice(i)
      if (rest.length > 0) out.sub.push(rest)
      w = []
      break
    }
    if (name === 'eval') {
      const rest = w.slice(1)
      if (rest.length > 0) inline(rest[0], 'shell', 'eval', rest.slice(1))
      w = []
      break
    }
    if (SHELLS.has(name) && name !== 'busybox') {
      const c = argv.findIndex((a, i) => i > 0 && (a === '-c' || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)))
      if (c > 0) {
        inline(w[c + 1], 'shell', `${name} -c`)
        w = []
      }
      break
    }
    if (name === 'ssh' || name === 'mosh' || name === 'autossh') {
      const i = skipWith(argv, 1, { value: ['-p', '-i', '-l', '-o', '-F', '-J', '-L', '-R', '-D', '-b', '-c', '-e', '-m', '-S', '-W', '-w', '-E', '-B', '-O', '-Q', '-M'] })
      const target = argv[i]
      if (argv.some((a) => a === '-R' || /^-[a-zA-Z]*R/.test(a))) acc.deny.add('opens a reverse tunnel into this machine (ssh -R)')
      if (argv.some((a) => /^-[a-zA-Z]*[LD]/.test(a))) acc.ask.add('opens an SSH tunnel')
      if (target !== undefined) {
        out.remoteHost = target.includes('@') ? target.slice(target.indexOf('@') + 1) : target
        const rest = w.slice(i + 1)
        if (rest.length > 0) inline(rest[0], 'remote', 'ssh', rest.slice(1))
      }
      break
    }
    break
  }
  out.words = w
  out.argv = w.map((x) => x.text)
  return out
}

// ── the per-command judgement ───────────────────────────────────────────────────────────────

/** Programs that do not read the files named in their arguments. */
const NON_READERS = new Set(['echo', 'printf', 'ls', 'mkdir', 'touch', 'rm', 'rmdir', 'unlink', 'chmod', 'chown',
  'chgrp', 'test', '[', '[[', 'cd', 'pushd', 'popd', 'which', 'type', 'basename', 'dirname', 'realpath', 'readlink',
  'stat', 'file', 'du', 'df', 'kill', 'pkill', 'sleep', 'export', 'unset', 'local', 'declare', 'git', 'npm', 'pnpm',
  'yarn', 'npx', 'cargo', 'go', 'make', 'mv', 'find', 'fd', 'tree', 'eza', 'exa', 'command', 'hash', 'alias',
  'man', 'help', 'shred', 'truncate', 'mktemp', 'tee', 'code', 'open', 'xdg-open', 'md5sum', 'sha256sum', 'sha1sum',
  'shasum', 'cksum', 'wc', 'ssh-keygen', 'ssh-add', 'ssh-copy-id', 'docker', 'kubectl', 'curl', 'wget'])

const NETWORK_CLIENT = /\b(requests\.|urllib|http\.client|httpx|aiohttp|socket\.|fetch\(|axios|https?\.request|https?\.get|net\.connect|XMLHttpRequest|WebSocket|LWP|Net::HTTP|HTTP::Tiny|IO::Socket|open-uri|Invoke-WebRequest|Invoke-RestMethod|curl|wget|smtplib|ftplib|paramiko|dns\.resolver|new Socket|TCPSocket|file_get_contents\(\s*['"]https?:|fsockopen)/
const DESTRUCTIVE_CODE = /\b(rmtree|rm_rf|rm_r|rmSync|rmdirSync|remove_tree|rimraf|unlinkSync|os\.remove|os\.unlink|shutil\.move|File::Path|FileUtils\.rm|Remove-Item|deleteRecursively|fs\.rm\b|rm -rf|rm -fr)/
const BROAD_PATH_LITERAL = /(['"])(\/|~\/?|\/home(\/[^/'"]*)?\/?|\/Users(\/[^/'"]*)?\/?|\/root\/?|\/\*|~\/\*|\/etc\/?|\/usr\/?|C:\\\\?)\1|expanduser\(\s*['"]~['"]\s*\)|Path\.home\(\)|homedir\(\)|Dir\.home|File\.expand_path\(\s*['"]~['"]|ENV\[['"]HOME['"]\]|\$ENV\{HOME\}|getenv\(\s*['"]HOME['"]\s*\)|environ\[['"]HOME['"]\]/
const FORK_CODE = /(os\.fork\(\).*){2}|while[^\n]*fork|fork\s+while\s+fork|fork\(\)\s*while|for\s*\(\s*;\s*;\s*\)\s*fork|cluster\.fork\(\)[^]*while|\{\s*fork\s*;?\s*redo\s*\}/
const STRING_LITERAL = /(['"`])((?:\\.|(?!\1)[^\\\n]){1,400})\1/g
const CODE_SHELL_CALL = /(?:system|popen|exec|execSync|execFileSync|spawnSync|spawn|check_output|check_call|getoutput|getstatusoutput|Popen|call|run|shell_exec|passthru|proc_open|`)\s*\(?\s*(?:\[\s*)?(['"])((?:\\.|(?!\1)[^\\\n]){1,400})\1/g

/** Inline interpreter code: never allowed silently; what it visibly does is judged. */
function judgeInlineCode(code: string, lang: string, cmd: Cmd, acc: Acc, depth: number, net: boolean): void {
  acc.inlineCode = true
  acc.ask.add(`runs inline ${lang} code`)
  if (net) {
    acc.remoteCode = true
    acc.ask.add(`runs ${lang} code fetched from the network`)
  }
  const usesNetwork = NETWORK_CLIENT.test(code)
  if (usesNetwork) acc.egress.push(`${lang} inline code`)
  for (const m of code.matchAll(STRING_LITERAL)) {
    const lit = (m[2] as string).replace(/\\(.)/g, '$1')
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(lit)) {
      noteUrl(lit, acc, `${lang} inline code`)
      continue
    }
    if (/^(~|\/|\.\.?\/|\$HOME)/.test(lit) || /^\.[A-Za-z]/.test(lit) || lit.includes('/.')) {
      const f = facts(lit.replace(/^\$HOME/, '~'), cmd.cwd, cmd.cwdLost, false, acc.cwd)
      if (f.kind === PathKind.GuardSecret) acc.deny.add(`${lang} inline code touches permit0's secrets (${lit})`)
      else if (f.kind === PathKind.Guard && /write|open\([^)]*['"][wa]|writeFile|appendFile|unlink|rm|copy|move|>/i.test(code)) {
        acc.deny.add(`${lang} inline code writes permit0's or the host's configuration (${lit})`)
      } else if (f.kind === PathKind.Secret) acc.secretReads.push(lit)
    }
  }
  if (DESTRUCTIVE_CODE.test(code) && BROAD_PATH_LITERAL.test(code)) {
    acc.deny.add(`${lang} inline code deletes a home directory or the file system root`)
  }
  if (FORK_CODE.test(code)) acc.deny.add(`fork bomb in ${lang} inline code`)
  if (/socket|TCPSocket|IO::Socket|fsockopen|net\.(connect|Socket)/.test(code) && /dup2|pty\.spawn|\/bin\/(ba|z)?sh|cmd\.exe|spawn\(\s*['"](ba|z)?sh|exec\s*\(|subprocess/.test(code)) {
    acc.deny.add(`reverse shell in ${lang} inline code (a socket wired to a shell)`)
  }
  if (/\/api\/v1\/(approvals|check|audit|policies|lists|packs)/.test(code) || /(127\.0\.0\.1|localhost|\[::1\]):9090\b/.test(code)) {
    acc.deny.add(`${lang} inline code calls permit0's own API`)
  }
  // Shell commands the code runs (`os.system("…")`, `execSync('…')`, back-quotes) are parsed too.
  for (const m of code.matchAll(CODE_SHELL_CALL)) {
    const text = (m[2] as string).replace(/\\(['"\\])/g, '$1')
    if (/\s/.test(text) || /^[a-z]/.test(text)) collect(text, cmd.cwd, acc, depth + 1, false)
  }
}

function noteUrl(url: string, acc: Acc, who: string): void {
  const f = classifyUrl(url)
  if (!f.valid) return
  if (f.host !== '') acc.ctx.hosts.push(f.host)
  if (f.credentials || f.querySecret) acc.ctx.flags.add('secret_in_command')
  const port = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):([0-9]{1,5})/i.exec(url.trim())?.[1]
  if (isGuardApi(f.host, port === undefined ? undefined : Number(port), f.path, f.localhost)) {
    acc.deny.add(`calls permit0's own API (${who} → ${f.host}${port === undefined ? '' : `:${port}`}${f.path})`)
  }
}

const EXEC_SHELL = /(^|[^a-z])(sh|bash|zsh|dash|ksh|fish|cmd|powershell|pwsh|python[0-9.]*|perl|ruby|php|node)(\s|$|')/i

function judgeNetworkTool(name: string, argv: readonly string[], acc: Acc): void {
  if (['nc', 'ncat', 'netcat', 'nc.openbsd', 'nc.traditional', 'telnet'].includes(name)) {
    const pos = positional(argv).filter((p) => !/^-/.test(p))
    const [host, port] = pos
    if (host !== undefined && port !== undefined && /^[0-9]+$/.test(port)) noteUrl(`http://${host.includes(':') ? `[${host}]` : host}:${port}/`, acc, name)
  }
  if (['nc', 'ncat', 'netcat', 'nc.openbsd', 'nc.traditional'].includes(name)) {
    if (argv.some((a) => /^-[a-zA-Z]*[ec]$/.test(a) || a === '--exec' || a === '--sh-exec' || a === '--lua-exec')) {
      acc.deny.add(`${name} hands a shell to a network peer (reverse/bind shell)`)
    }
    if (argv.some((a) => /^-[a-zA-Z]*l/.test(a) || a === '--listen')) acc.ask.add(`${name} listens for connections`)
  }
  if (name === 'socat') {
    const addrs = argv.slice(1).filter((a) => !a.startsWith('-'))
    if (addrs.some((a) => /^(exec|system):/i.test(a) && EXEC_SHELL.test(a.replace(/^(exec|system):/i, ' ')))) {
      acc.deny.add('socat connects a shell to a network address (reverse/bind shell)')
    } else if (addrs.some((a) => /^(exec|system):/i.test(a))) acc.ask.add('socat runs a program for a network peer')
    for (const a of addrs) {
      const m = /^(?:tcp|udp|tcp4|tcp6|openssl|ssl)(?:-connect)?:([^:,]+):/i.exec(a)
      if (m !== null) acc.ctx.hosts.push(classifyHost(m[1] as string).host)
      if (/^(tcp|udp)[46]?-listen/i.test(a)) acc.ask.add('socat listens for connections')
    }
  }
  if (name === 'telnet' && argv.some((a) => /\|\s*(sh|bash)/.test(a))) acc.deny.add('telnet pipes into a shell')
}

const TUNNELS = new Set(['ngrok', 'cloudflared', 'lt', 'localtunnel', 'bore', 'frpc', 'chisel', 'serveo', 'localxpose', 'loclx', 'pagekite', 'tailscale', 'zrok', 'expose', 'inlets', 'rathole', 'sish'])

/**
 * How permit0's processes look to `pkill`/`killall`/`pgrep`: process names, and full command lines
 * as `pkill -f` matches them (installed bin, npx, the repo's script, every long-running command).
 */
const GUARD_PROCESS_NAMES = ['node', 'permit0', 'tsx', 'npm exec', 'npx']
const GUARD_COMMAND_LINES = ['serve', 'serve --ui', 'hook', 'mcp', 'gateway'].flatMap((sub) => [
  `node /usr/local/lib/node_modules/@permit0/cli/bin/permit0.js ${sub} --port 9090`,
  `node /home/dev/.npm/_npx/1a2b3c/node_modules/.bin/permit0 ${sub}`,
  `node apps/cli/bin/permit0.js ${sub}`,
  `permit0 ${sub}`,
])

/** Whether a `pkill`/`pgrep` pattern (an extended regex) matches a permit0 process; invalid → unknown. */
function patternHitsGuard(pattern: string, fullLine: boolean, exact: boolean): boolean | undefined {
  let re: RegExp
  try {
    re = new RegExp(exact ? `^(?:${pattern})$` : pattern, 'i')
  } catch {
    return undefined
  }
  return (fullLine ? [...GUARD_COMMAND_LINES, ...GUARD_PROCESS_NAMES] : GUARD_PROCESS_NAMES).some((l) => re.test(l))
}

/** Programs that find process ids: a kill fed by them aims at what they match. */
const PID_FINDERS = /^(pidof|pgrep|ps|lsof|fuser|pstree|ss|netstat|top|jobs|cat|head|tail|awk|grep)$/

/** Programs that kill or stop processes or services. */
function judgeKill(name: string, argv: readonly string[], cmd: Cmd, acc: Acc): void {
  const pos = positional(argv)
  const raw = `${cmd.text} ${cmd.pipeFrom.map((c) => c.text).join(' ')}`
  const aimsAtGuard = /permit0|:9090\b|\b9090\b/i.test(raw)
  // pkill/pgrep patterns are regexes over the process name (-f: the whole command line)
  if (name === 'pkill' || name === 'skill' || name === 'killall' && argv.some((a) => a === '-r' || a === '--regexp' || /^-[a-zA-Z]*r/.test(a))) {
    const full = name === 'pkill' && argv.some((a) => a === '--full' || /^-[a-zA-Z]*f/.test(a) && !a.startsWith('--'))
    const exact = name === 'pkill' && argv.some((a) => a === '--exact' || /^-[a-zA-Z]*x/.test(a) && !a.startsWith('--'))
    for (const p of pos.filter((x) => !/^-/.test(x))) {
      const hit = patternHitsGuard(p, full, exact)
      if (hit === true) acc.deny.add(`stops permit0 (${name} pattern ${JSON.stringify(p.slice(0, 40))} matches permit0's process)`)
      else if (hit === undefined) acc.ask.add(`${name} pattern is not a valid regular expression (${p.slice(0, 40)})`)
    }
  }
  // a computed target (`kill $(pidof node)`, `kill \`cat pidfile\``): judged by what computes it
  const words = cmd.argv.slice(1)
  if (['kill', 'pkill', 'killall', 'skill'].includes(name) && (words.some((w) => w.dynamic || w.subst.length > 0) || cmd.pipeFrom.length > 0 && name === 'kill')) {
    const finders = [...words.flatMap((w) => w.subst), ...cmd.pipeFrom]
    const finderText = finders.map((c) => c.text).join(' ')
    // what the finders select: `pidof node`, `pgrep -f '…'`, `grep '[p]ermit0'` (patterns as regexes)
    const selectsGuard = finders.some((c) => {
      const fa = c.argv.map((w) => w.text)
      const fname = base(fa[0] ?? '')
      const pats = positional(fa).filter((x) => !x.startsWith('-'))
      if (fname === 'pidof') return pats.some((x) => GUARD_PROCESS_NAMES.includes(x))
      if (/^(pgrep|grep|egrep|rg)$/.test(fname)) return pats.slice(0, 1).some((x) => patternHitsGuard(x, fname !== 'pgrep' || fa.includes('-f'), false) !== false)
      return false
    })
    if (selectsGuard || /\b(node|permit0|tsx|serve|hook|mcp)\b|:?9090\b/i.test(finderText)) {
      acc.deny.add(`stops permit0 (${name} on process ids found by ${JSON.stringify(finderText.slice(0, 60))})`)
    } else {
      // process-id finders with literal arguments (`kill $(lsof -t -i:3000)`) and the last
      // background job (`kill $!`) are understood; anything else computed needs a person
      const understood = finders.every((c) => PID_FINDERS.test(base(c.argv[0]?.text ?? '')) && !c.argv.some((w) => w.dynamic)) &&
        words.every((w) => !w.dynamic || w.subst.length > 0 || /^\$\{?!\}?$/.test(w.text))
      if (!understood) acc.ask.add(`${name} targets processes computed at run time (${cmd.text.slice(0, 60)})`)
    }
  }
  if (name === 'kill') {
    if (pos.some((p) => p === '-1') || argv.some((a, i) => i > 0 && a === '-1' && (argv[i - 1] ?? '').startsWith('-'))) {
      acc.deny.add('kills every process (kill -1)')
    } else if (argv.slice(1).some((a) => a === '-1' || a === '--' && argv.includes('-1'))) acc.deny.add('kills every process (kill -1)')
    if (pos.includes('1') && argv.slice(1).some((a) => /^-(9|KILL|SIGKILL|s)$/.test(a))) acc.deny.add('kills init (pid 1)')
  }
  if (name === 'killall5') acc.deny.add('kills every process (killall5)')
  if ((name === 'pkill' || name === 'killall') && pos.some((p) => /^(node|tsx|permit0)$/i.test(p))) acc.deny.add(`stops permit0 (${name} ${pos.join(' ')})`)
  if ((name === 'pkill' || name === 'killall') && argv.some((a) => a === '-u' || a === '--user' || /^-[a-zA-Z]*u$/.test(a)) ) acc.ask.add(`${name} kills every process of a user`)
  if (aimsAtGuard) acc.deny.add(`stops permit0 (${cmd.text.slice(0, 80)})`)
}

/** Programs that only print or compare text: handing them downloaded text runs nothing. */
const PURE_TEXT = new Set(['echo', 'printf', 'jq', 'yq', 'grep', 'rg', 'test', '[', '[[', 'wc', 'cat', 'head', 'tail', 'cut',
  'sort', 'uniq', 'tr', 'sed', 'awk', 'diff', 'export', 'local', 'declare', 'read', 'true', 'false', 'base64', 'sha256sum',
  'md5sum', 'date', 'basename', 'dirname', 'git', 'npm', 'pnpm', 'yarn', 'node', 'python', 'python3', 'tee', 'xargs'])

const SERVICE_STOP = /^(stop|kill|disable|mask|restart|reload|unload|bootout|remove|rm|delete|down|kill-server)$/

/** Package runners that start a named package's bin: `npx permit0`, `pnpm dlx @permit0/cli`, … */
const PACKAGE_RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'pnpm', 'npm', 'yarn', 'bun'])
const PERMIT0_BIN = /^(@permit0\/cli|permit0)(@[\w.^~<>=-]+)?$/
/** A script path that is permit0's CLI (`…/@permit0/cli/dist/bin.js`, `apps/cli/bin/permit0.js`, …). */
const PERMIT0_SCRIPT = /(^|\/)(permit0(\.[cm]?js)?|@permit0\/cli\/.*\.[cm]?[jt]s|apps\/cli\/(src|dist|bin)\/[\w.-]+\.[cm]?[jt]s)$/

/** The arguments after `permit0` when argv starts permit0's CLI by any route, else undefined. */
function permit0CliArgs(argv: readonly string[]): readonly string[] | undefined {
  const name = argv[0] === undefined ? '' : base(argv[0])
  if (name === 'permit0') return argv.slice(1)
  if (PACKAGE_RUNNERS.has(name) || /^(node|nodejs|tsx|ts-node|bun|deno)$/.test(name)) {
    const at = argv.findIndex((a, i) => i > 0 && (PERMIT0_BIN.test(a) || PERMIT0_SCRIPT.test(a) || /^--package=@?permit0/.test(a)))
    if (at > 0) {
      let rest = argv.slice(at + 1)
      // `npm exec --package=@permit0/cli -- permit0 …`
      if (rest[0] === '--') rest = rest.slice(1)
      if (rest[0] !== undefined && PERMIT0_BIN.test(rest[0])) rest = rest.slice(1)
      return rest
    }
  }
  return undefined
}

/**
 * The agent running permit0's own CLI: deciding approvals, minting tokens, login links, trusting
 * packs or (un)installing hooks is a reviewer's act, never the agent's (deny); read-only commands
 * (check, normalize, validate, verify, help) stay quiet; anything else needs a person.
 */
function judgePermit0Cli(argv: readonly string[], env: readonly string[], acc: Acc): void {
  const args = permit0CliArgs(argv)
  if (args === undefined) return
  const words = args.filter((a) => !a.startsWith('-'))
  const [cmd = '', sub = ''] = words
  const said = `permit0 ${words.slice(0, 2).join(' ')}`.trim()
  if (words.length === 0 && args.every((a) => /^(--version|-V|--help|-h)$/.test(a))) return
  // A daemon started with a policy, store, settings or reviewer channel of the agent's choosing
  // answers in the guard's place (its port, its reviewer secret, its approve links).
  if (cmd === 'serve') {
    const chosen = args.find((a) => SERVE_CHOSEN_OPTIONS.test(a)) ?? env.find((k) => k.startsWith('PERMIT0_'))
    if (chosen !== undefined) {
      acc.deny.add(`starts a permit0 daemon with ${chosen.replace(/=.*$/, '')} of the agent's choosing: it would answer, and hold the reviewer secret, in the guard's place`)
      return
    }
  }
  if (/^(approvals?|token|tokens|login|db|trust|untrust)$/.test(cmd) ||
    /^packs?$/.test(cmd) && /^(trust|untrust|lock)$/.test(sub) ||
    /^(hook|mcp)$/.test(cmd) && /^(install|uninstall|remove|disable)$/.test(sub) ||
    cmd === 'audit' && /^(replay|import|prune|delete)$/.test(sub)) {
    if (!(cmd.startsWith('approval') && /^(list|ls|show)$/.test(sub))) {
      acc.deny.add(`runs permit0's own ${said}: deciding, tokens, trust and hooks are a reviewer's acts, not the agent's`)
      return
    }
  }
  if (/^(check|normalize|help)$/.test(cmd) || /^packs?$/.test(cmd) && /^(validate|test|list)$/.test(sub) ||
    cmd === 'audit' && sub === 'verify' || cmd === 'calibrate' && sub === 'test' || args.some((a) => a === '--help' || a === '-h')) return
  acc.ask.add(`runs permit0 itself (${said})`)
}

/** `serve` options that choose its policy, store, settings, exposure or where approve links go. */
const SERVE_CHOSEN_OPTIONS = /^--(packs-dir|shadow|profile|org-domain|data-dir|database-url|audit-key|config|host|public-url|notify-[a-z-]+|slack-api-url|ui-dir)(=|$)/

function judgeCommand(u: Unwrapped, cmd: Cmd, acc: Acc, ops: Op[], depth: number): void {
  const argv = u.argv
  const name = argv[0] === undefined ? '' : base(argv[0])
  const pos = positional(argv)
  judgeHistory(name, argv, acc)
  judgeAuditTrail(name, argv, acc)
  // permit0 stopped or bypassed
  if (['kill', 'pkill', 'killall', 'killall5', 'xkill', 'skill', 'fuser'].includes(name)) judgeKill(name, argv, cmd, acc)
  if (['systemctl', 'service', 'launchctl', 'rc-service', 'pm2', 'supervisorctl', 'docker', 'podman', 'stop', 'initctl', 'sv', 'forever', 'brew'].includes(name)) {
    const verbs = positional(argv)
    if (verbs.some((v) => SERVICE_STOP.test(v) || v === 'services') && /permit0/i.test(argv.join(' '))) acc.deny.add(`stops permit0 (${argv.join(' ').slice(0, 80)})`)
  }
  judgePermit0Cli(argv, [...cmd.assigns.map(([k]) => k), ...u.env.map((e) => e.slice(0, Math.max(0, e.indexOf('='))))], acc)
  // removing permit0's package (`npm uninstall -g @permit0/cli`, `pnpm remove permit0`, …)
  if (PACKAGE_RUNNERS.has(name) || ['pip', 'pip3', 'pipx', 'brew', 'cargo', 'gem'].includes(name)) {
    const verb = pos.find((p) => !['global', 'g'].includes(p)) ?? ''
    if (/^(uninstall|remove|rm|un|r|unlink|prune|purge|erase)$/.test(verb) && pos.some((p) => PERMIT0_BIN.test(p) || /^@permit0\//.test(p))) {
      acc.deny.add(`removes permit0 (${argv.join(' ').slice(0, 80)})`)
    }
  }
  // disk and system destruction
  if (['shutdown', 'reboot', 'halt', 'poweroff'].includes(name) || (name === 'systemctl' && /^(poweroff|reboot|halt|kexec|suspend|hibernate|rescue|emergency)$/.test(pos[0] ?? '')) ||
    ((name === 'init' || name === 'telinit') && /^[06sS]$/.test(pos[0] ?? ''))) {
    acc.deny.add(`shuts down or reboots the machine (${argv.join(' ').slice(0, 60)})`)
  }
  if (name === 'crontab' && (hasShort(argv, 'r') || hasFlag(argv, '--remove'))) acc.deny.add('deletes the crontab (crontab -r)')
  else if (name === 'crontab' && !hasShort(argv, 'l')) {
    acc.ask.add('changes the crontab (persistence)')
    // `crontab -` / `crontab FILE`: the entries' commands are judged as commands
    const file = positional(argv).find((p) => !/^-[a-zA-Z]$/.test(p))
    if (!hasShort(argv, 'e')) judgeScheduledText(name, file === undefined || file === '-' ? undefined : file, cmd, acc, depth, cronCommands)
  }
  // `at`/`batch` read the commands they schedule from stdin or `-f FILE`: judged as commands
  if ((name === 'at' || name === 'batch') && !argv.some((a) => /^-[a-zA-Z]*[lcrdV]/.test(a))) {
    acc.ask.add(`schedules commands to run later, outside this session (${name})`)
    judgeScheduledText(name, optionValue(argv, '-f'), cmd, acc, depth, (t) => t)
  }
  if (/^(mkfs|mke2fs|mkswap|wipefs|fdisk|sfdisk|parted|sgdisk|gdisk|cfdisk|blkdiscard|badblocks)(\..*)?$/.test(name) ||
    (name === 'diskutil' && /^(erase|zero|secureErase|partition|reformat)/i.test(pos[0] ?? ''))) {
    acc.deny.add(`writes a disk or partition table (${name})`)
  }
  if (name === 'dd') {
    const of = argv.find((a) => a.startsWith('of='))?.slice(3) ?? ''
    if (/^\/dev\/(sd|nvme|hd|disk|rdisk|mmcblk|xvd|vd|md|dm-|mapper|loop|sr)/.test(of)) acc.deny.add(`overwrites a disk device (dd of=${of})`)
  }
  if (name === 'shred' && pos.some((p) => p.startsWith('/dev/'))) acc.deny.add('shreds a device')
  // privilege
  if (['passwd', 'chpasswd', 'usermod', 'useradd', 'userdel', 'visudo', 'gpasswd', 'groupadd', 'adduser', 'deluser', 'newgrp', 'setcap'].includes(name)) {
    acc.ask.add(`changes users, groups or privileges (${name})`)
  }
  if (name === 'chmod' || name === 'chown' || name === 'chgrp' || name === 'setfacl' || name === 'chattr') {
    const recursive = hasShort(argv, 'R') || hasFlag(argv, '--recursive')
    const mode = pos[0] ?? ''
    const setuid = name === 'chmod' && (/^[ugoa]*\+[rwxXt]*s/.test(mode) || /^[0-7]?[4-7][0-7]{3}$/.test(mode) && /^[0-7]?[4-7]/.test(mode.padStart(4, '0')) && mode.length === 4 && Number(mode[0]) >= 2)
    if (setuid) acc.ask.add(`sets a setuid/setgid bit (chmod ${mode})`)
    for (const t of pos.slice(1)) {
      const f = facts(t, cmd.cwd, cmd.cwdLost, false, acc.cwd)
      if (recursive && (f.broad || f.scope === PathScope.System || (f.scope === PathScope.Home && isHomeRoot(f, acc)))) {
        acc.deny.add(`recursive ${name} at ${f.resolved === '/' ? 'the file system root' : f.resolved}`)
      } else if (f.scope === PathScope.System || f.broad) acc.ask.add(`${name} outside the project (${t})`)
      if (setuid && /\/(bin|sbin)\/(ba|z|da|k|fi)?sh$|\/(python[0-9.]*|perl|ruby|node|env|find|vim?)$/.test(f.resolved)) acc.deny.add(`makes a shell or interpreter setuid (${t})`)
    }
  }
  // sudoers, users
  if (name === 'sudoedit' || name === 'visudo') acc.ask.add('edits sudoers')
  // remote code and inline code
  if (SHELLS.has(name) || INTERPRETERS.has(name) || /^python[0-9.]*$/.test(name) || name === 'source' || name === '.') {
    judgeScriptRunner(name, u, cmd, acc, depth)
  }
  // a script written earlier on the line and then run: its text is judged as code, or asked about when unknown
  const scriptArg = SHELLS.has(name) || name === 'source' || name === '.' ? positional(argv)[0] : undefined
  for (const runs of [argv[0], scriptArg]) {
    if (runs === undefined || !acc.written.has(resolveLoose(runs, cmd, acc))) continue
    const text = acc.written.get(resolveLoose(runs, cmd, acc))
    if (text === undefined) acc.ask.add(`runs a file written on the same line (${runs})`)
    else collect(text, cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
  }
  // a build or task file written earlier on the line and then run by its tool (`… >> Makefile && make`)
  for (const file of RUNS_FILES[name] ?? []) {
    const path = resolveLoose(file, cmd, acc)
    if (!acc.written.has(path)) continue
    const text = acc.written.get(path)
    acc.ask.add(`${name} runs ${file}, written on the same line`)
    if (text !== undefined && /^(make|gmake|just)$/.test(name)) collect(text.replace(/^\s*[\w.%/-]+\s*:.*$/gm, ''), cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
  }
  // program words that were downloaded earlier on the line
  if (argv[0] !== undefined && acc.downloaded.has(resolveLoose(argv[0], cmd, acc))) {
    acc.remoteCode = true
    acc.ask.add(`runs a file downloaded on the same line (${argv[0]})`)
  } else if (argv[0] !== undefined && argv[0].includes('/') && !acc.written.has(resolveLoose(argv[0], cmd, acc))) judgeOutsideScript('runs a program:', argv[0], cmd, acc)
  // network
  if (NETWORK_PROGRAMS.has(name) || ['nc.openbsd', 'nc.traditional'].includes(name)) judgeNetworkTool(name, argv, acc)
  if (TUNNELS.has(name) && !(name === 'tailscale' && /^(status|ip|version)$/.test(pos[0] ?? ''))) {
    if (name !== 'cloudflared' || pos.includes('tunnel') || argv.some((a) => a.startsWith('--url'))) acc.deny.add(`opens a tunnel exposing this machine (${name})`)
  }
  if (name === 'git') judgeGit(argv, cmd, acc, depth)
  if (name === 'gh' && pos[0] === 'gist' && ['create', 'new', 'edit'].includes(pos[1] ?? '')) {
    acc.egress.push('gh gist')
    acc.ask.add('publishes files as a gist')
    noteReads(pos.slice(2), cmd, acc, 'gh gist create')
  }
  if (name === 'gh' && pos[0] === 'auth' && pos[1] === 'token') acc.secretReads.push('gh auth token')
  if (name === 'gh' && pos[0] === 'auth' && pos[1] === 'status' && argv.some((a) => a === '-t' || a === '--show-token')) acc.secretReads.push('gh auth status --show-token')
  // a container given a host directory reads (and can write) it: `-v ~/.ssh:/k`, `--mount src=…`, `docker cp ~/.aws c:/`
  // a password typed as an option ends up in logs, history and the process list
  if (((CONTAINER_CLIS.has(name) || name === 'helm') && (pos[0] === 'login' || pos[1] === 'login') && optionValue(argv, '-p', '--password') !== undefined) ||
    (name === 'sshpass' && optionValue(argv, '-p') !== undefined) || ((name === 'mysql' || name === 'mariadb' || name === 'mysqldump') && argv.some((a) => /^(-p.+|--password=.+)$/.test(a)))) {
    acc.ctx.flags.add('secret_in_command')
  }
  if (CONTAINER_CLIS.has(name)) {
    const mounts = [...optionValues(argv, '-v', '--volume'), ...optionValues(argv, '--mount').map((m) => /(?:^|,)(?:source|src)=([^,]+)/.exec(m)?.[1] ?? '')]
    const hostSides = mounts.map((m) => m.split(':')[0] ?? '').filter((h) => /^(\/|~|\.)/.test(h))
    if (pos[0] === 'cp' || (pos[0] === 'container' && pos[1] === 'cp')) hostSides.push(...pos.slice(pos[0] === 'cp' ? 1 : 2, -1).filter((h) => !/^[^/~.][^:]*:/.test(h)))
    noteReads(hostSides, cmd, acc, `${name} volume`)
    for (const h of hostSides) {
      const f = facts(h, cmd.cwd, cmd.cwdLost, false, acc.cwd)
      if (f.kind === PathKind.Guard) acc.deny.add(`gives a container the guard's files (${name} ${h})`)
      else if (f.broad || h === '/' || /^~\/?$/.test(h)) acc.ask.add(`gives a container the host's ${h === '/' ? 'root filesystem' : 'home directory'} (${name} ${h})`)
    }
  }
  // a file server rooted at the home directory, a credential directory or / publishes what is there
  const served = servedDirectory(name, argv)
  if (served !== undefined) {
    const f = facts(served, cmd.cwd, cmd.cwdLost, false, acc.cwd)
    if (f.kind === PathKind.Secret || f.kind === PathKind.GuardSecret || f.kind === PathKind.Guard) acc.deny.add(`serves credentials over HTTP (${name} ${served})`)
    else if (f.broad || (f.scope !== PathScope.Workspace && f.scope !== PathScope.Temp)) acc.ask.add(`serves files outside the project over HTTP (${name} ${served})`)
  }
  // git's credential helpers print stored passwords and tokens (`git credential fill`, `git credential-store get`)
  if (name === 'git' && /^credential(-store|-cache|-osxkeychain|-libsecret|-manager(-core)?)?$/.test(pos[0] ?? '') && /^(fill|get)$/.test(pos[1] ?? '')) {
    acc.secretReads.push(`git ${pos[0] ?? 'credential'} ${pos[1] ?? ''}`)
  }
  // any other program handed the guard's files (as an argument or an option value: `cp -t ~/.claude`,
  // `unzip -d ~/.claude`, `patch ~/.claude/settings.json`, `chattr -i …`, `git -C ~/.claude checkout`) may change them
  if (name !== '' && !GUARD_SAFE_PROGRAMS.has(name) && !(name === 'git' && /^(status|diff|log|show|blame|ls-files|add|commit|grep)$/.test(argv.slice(1).find((a, i, all) => !a.startsWith('-') && !['-C', '-c', '--git-dir', '--work-tree'].includes(all[i - 1] ?? '')) ?? ''))) {
    const copySources = ['cp', 'rsync', 'scp', 'install', 'ditto'].includes(name) && !argv.some((a) => a === '-t' || a.startsWith('--target-directory')) ? new Set(pos.slice(0, -1)) : new Set<string>()
    for (const a of argv.slice(1)) {
      const val = a.startsWith('--') && a.includes('=') ? a.slice(a.indexOf('=') + 1) : a
      if (val === '' || val.startsWith('-') || copySources.has(val) || !/\.(claude|permit0)|permit0|claude-code|managed-settings/i.test(val)) continue
      const f = facts(val, cmd.cwd, cmd.cwdLost, false, acc.cwd)
      if (f.kind === PathKind.Guard || f.kind === PathKind.GuardSecret) acc.deny.add(`${name} operates on permit0's or the host's configuration (${f.resolved})`)
    }
  }
  judgeHandedFiles(argv, cmd, acc)
  judgeExecutedConfig(argv, cmd, acc)
  // `source`/`.` take a script file, judged by judgeScriptRunner (`. ~/.cargo/env` is a file, not `env`)
  if (ops.length > 0 && ops.every((o) => o.category === 'program' || o.category === 'script') && name !== 'source' && name !== '.') judgeCommandLikeArguments(argv, cmd, acc, depth)
  // another agent host started from the agent: its settings can drop the hook, and its own tool calls
  // are out of this call's sight
  if (name === 'claude' || name === 'codex' || name === 'gemini' || name === 'aider' || name === 'opencode') {
    if (name === 'claude' && pos[0] === 'config' && /^(set|add|remove|rm)$/.test(pos[1] ?? '')) acc.deny.add(`changes the agent host's configuration (${name} config ${pos[1] ?? ''})`)
    else if (name === 'claude' && (pos[0] === 'mcp' || pos[0] === 'plugin') && /^(add|add-json|remove|install|enable|disable)$/.test(pos[1] ?? '')) acc.ask.add(`changes the agent host's tools (${name} ${pos[0]} ${pos[1] ?? ''})`)
    else if (argv.some((a) => /^--(dangerously-skip-permissions|dangerously-bypass-approvals-and-sandbox|yolo|settings|setting-sources|bare)(=|$)/.test(a) || /bypassPermissions/.test(a))) {
      acc.deny.add(`starts an agent with its guard loosened (${name})`)
    } else if (argv.some((a) => a === '-p' || a === '--print' || a === 'exec' || a === '-m' || a === '--message') || pos.length > 0 && !/^(--?(version|help|v|h))$/.test(argv[1] ?? '') && !['doctor', 'update', '--version', 'auth'].includes(pos[0] ?? '')) {
      acc.ask.add(`starts another agent (${name}); its own tool calls are not judged here`)
    }
  }
  // files brought in from outside the project whose names are not visible here (`cp -r /tmp/x/. .`,
  // `rsync -a /tmp/x/ ./`, `cp /tmp/x/* .`): any of them may be a package.json with install scripts or a git hook
  if (['cp', 'mv', 'rsync', 'ditto', 'ln', 'install'].includes(name) && !ops.some((o) => o.action === 'file.upload' || o.action === 'file.download')) {
    const d = copyDestinations(argv)
    const recursive = name === 'mv' || name === 'ditto' || hasShort(argv, 'r') || hasShort(argv, 'R') || hasShort(argv, 'a') || hasFlag(argv, '--recursive', '--archive')
    const dest = d.dest[0] ?? d.directory
    const into = dest === undefined ? undefined : facts(dest, cmd.cwd, cmd.cwdLost, false, acc.cwd)
    for (const src of into === undefined || into.scope !== PathScope.Workspace ? [] : d.sources) {
      const from = facts(src, cmd.cwd, cmd.cwdLost, false, acc.cwd)
      const unseen = /[*?[]/.test(src.slice(src.lastIndexOf('/') + 1)) || /(^|\/)\.?\/?$/.test(src) || (recursive && name !== 'mv')
      if (from.scope !== PathScope.Workspace && unseen) {
        acc.ask.add(`${name} brings files from outside the project whose names are not visible here (${src}): they may include package.json install scripts or git hooks`)
        break
      }
    }
  }
  // an archive from outside the project, the network or a download on the same line, extracted into
  // the project: the files it writes (a package.json, `.git/hooks/…`) are not visible here
  const extract = ops.find((o) => o.category === 'archive' && o.writes)
  if (extract !== undefined && extract.targets[0] !== undefined && facts(extract.targets[0], cmd.cwd, cmd.cwdLost, false, acc.cwd).scope === PathScope.Workspace) {
    const src = archiveSource(name, argv)
    const from = src === undefined || src === '-' ? undefined : facts(src, cmd.cwd, cmd.cwdLost, false, acc.cwd)
    const piped = src === undefined || src === '-' ? cmd.pipeFrom.length > 0 || cmd.redirects.some((r) => r.op === '<') : false
    const fetched = piped && (cmd.pipeFrom.some((c) => c.network === true) || cmd.redirects.some((r) => r.op === '<' && r.target !== undefined && acc.downloaded.has(resolveLoose(r.target.text, cmd, acc))))
    if (fetched || from !== undefined && (from.scope !== PathScope.Workspace || acc.downloaded.has(from.resolved))) {
      acc.ask.add(`${name} extracts an archive from ${fetched || from !== undefined && acc.downloaded.has(from.resolved) ? 'the network' : 'outside the project'} into it (${src ?? 'stdin'}): the files it writes are not visible here (package.json install scripts, git hooks)`)
    }
  }
  // a link to the guard's files lets a later plain write land in them
  if (name === 'ln') {
    for (const t of pos.slice(0, -1)) {
      const f = facts(t, cmd.cwd, cmd.cwdLost, false, acc.cwd)
      if (f.kind === PathKind.Guard || f.kind === PathKind.GuardSecret) acc.deny.add(`links to the guard's files (ln ${t})`)
    }
  }
  if (['mail', 'mailx', 'mutt', 'sendmail', 'msmtp', 'swaks'].includes(name)) acc.egress.push(name)
  // user services that outlive the session
  if (name === 'loginctl' && pos[0] === 'enable-linger') {
    acc.ctx.flags.add('persistence')
    acc.ask.add('loginctl enable-linger keeps the user\'s services running after logout (persistence)')
  }
  // trusting a directory's startup file: it then runs on every `cd` into it, unasked
  if ((name === 'direnv' && /^(allow|permit|grant)$/.test(pos[0] ?? '')) || ((name === 'mise' || name === 'rtx') && pos[0] === 'trust')) {
    acc.ctx.flags.add('persistence')
    acc.ask.add(`${name} ${pos[0] as string} trusts a directory's startup file (.envrc, mise.toml): it then runs on every cd into it`)
  }
  if (['dig', 'nslookup', 'host', 'ping', 'ping6', 'traceroute', 'drill'].includes(name) && cmd.argv.some((w) => w.subst.length > 0 || w.dynamic)) {
    acc.egress.push(`${name} (DNS/ICMP)`)
    acc.ask.add(`${name} with computed names (DNS exfiltration vector)`)
  }
  // secrets from the environment
  if (name === 'printenv' || name === 'env' && pos.length === 0 || name === 'export' && (argv.length === 1 || hasShort(argv, 'p')) || name === 'set' && argv.length === 1 || name === 'declare' && (argv.length === 1 || hasShort(argv, 'x') && pos.length === 0) || name === 'compgen' && hasShort(argv, 'v')) {
    const vars = name === 'printenv' ? pos : []
    if (vars.length === 0 || vars.some((v) => SECRET_VAR.test(v))) {
      acc.secretReads.push(vars.length === 0 ? `the environment (${name})` : `$${vars.join(', $')}`)
      acc.ask.add(vars.length === 0 ? `dumps the environment (${name})` : `prints secret variables (${vars.join(', ')})`)
    }
  }
  for (const w of cmd.argv) {
    for (const m of w.text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (SECRET_VAR.test(m[1] as string) && w.dynamic) {
        acc.ctx.flags.add('secret_variable')
        if (NETWORK_PROGRAMS.has(name) || name === 'echo' || name === 'printf') acc.ask.add(`uses a secret variable ($${m[1] as string}) in ${name}`)
      }
    }
  }
  // keychain / password stores
  if (name === 'security' && /^(find-(generic|internet)-password|dump-keychain|export)$/.test(pos[0] ?? '')) acc.secretReads.push('the macOS keychain')
  if (['pass', 'gopass', 'op', 'bw', 'lpass', 'vault', 'doppler', 'infisical'].includes(name) && !/^(ls|list|help|--help|version|status|login|logout|whoami)$/.test(pos[0] ?? '')) {
    acc.secretReads.push(`a password store (${name})`)
    acc.ask.add(`reads a password store (${name})`)
  }
  if (name === 'aws' && pos[0] === 'configure' && /^(get|export-credentials|list)$/.test(pos[1] ?? '')) acc.secretReads.push('AWS credentials (aws configure)')
  // `kubectl cp LOCAL pod:/path`: a local file leaves for a cluster
  if ((name === 'kubectl' || name === 'oc') && pos[0] === 'cp' && pos.length >= 3 && /:/.test(pos[pos.length - 1] as string)) {
    noteReads(pos.slice(1, -1).filter((p) => !/^[^/~.][^/]*:/.test(p)), cmd, acc, `${name} cp`)
    acc.egress.push(`${name} cp`)
  }
  // option files not visible here can name data to send and where (`curl -K f`: `data = @~/.ssh/id_rsa`)
  const optionFile = name === 'curl' ? optionValue(argv, '-K', '--config') : name === 'wget' ? optionValue(argv, '--config', '-e', '--execute') : undefined
  if (optionFile !== undefined) acc.ask.add(`${name} takes its options from ${name === 'wget' && optionValue(argv, '-e', '--execute') !== undefined ? 'a command string' : 'a file'} not visible here (${optionFile.slice(0, 40)}): it can name files to send and where`)
  // switching off the system's security controls
  if ((name === 'setenforce' && /^(0|permissive)$/i.test(pos[0] ?? '')) || (name === 'spctl' && argv.some((a) => /^--(master|global)-disable$/.test(a))) ||
    (name === 'csrutil' && pos[0] === 'disable') || name === 'aa-teardown' || (name === 'aa-disable') || (name === 'sysctl' && argv.some((a) => /kernel\.(randomize_va_space|yama\.ptrace_scope|kptr_restrict|dmesg_restrict)=0/.test(a)))) {
    acc.ask.add(`switches off a system security control (${argv.slice(0, 3).join(' ')})`)
  }
  // commands whose output is a credential: tokens, raw kubeconfigs, credential helpers, shadow entries
  const printer = CREDENTIAL_PRINTERS.find(([prog, words]) => (typeof prog === 'string' ? prog === name : prog.test(name)) && words.test(argv.slice(1).join(' ')))
  if (printer !== undefined) {
    acc.secretReads.push(`${name} ${pos.slice(0, 3).join(' ')}`.trim())
    acc.ask.add(`prints credentials (${name} ${pos.slice(0, 3).join(' ')})`)
  }
  if (name === 'gcloud' && /print-access-token|print-identity-token/.test(argv.join(' '))) acc.secretReads.push('a gcloud token')
  if (name === 'kubectl' && ops.some((o) => o.action === 'secret.get')) acc.secretReads.push('a Kubernetes secret')
  if (name === 'docker' && pos[0] === 'run' && argv.some((a) => /^(-v|--volume|--mount)$/.test(a)) && argv.some((a) => /^\/:|^\/,|src=\/,|^\/var\/run\/docker\.sock/.test(a))) {
    acc.deny.add('mounts the host root or the Docker socket into a container')
  }
  if (name === 'docker' && pos[0] === 'run' && hasFlag(argv, '--privileged')) acc.ask.add('runs a privileged container')
  // destructive infra
  for (const o of ops) {
    if (o.action === 'infra.terminate' && (hasFlag(argv, '--all', '-A', '--all-namespaces') || /(^|[^a-z])prod/i.test(argv.join(' ')) || argv.includes('projects') && argv.includes('delete'))) {
      acc.deny.add(`destroys infrastructure without a second look (${argv.slice(0, 4).join(' ')})`)
    } else if (o.action === 'infra.terminate') acc.ask.add(`destroys infrastructure (${argv.slice(0, 4).join(' ')})`)
  }
  // package runners that may download a package from a registry and run it (`npx x`, `pnpm dlx x`,
  // `uvx x`, `npm init x`, …): only well-known development tools by their exact name stay quiet
  for (const f of registryFetches(argv, [...cmd.assigns.map(([k, v]) => `${k}=${v.text}`), ...u.env])) {
    acc.remoteCode = true
    acc.ask.add(f.reason)
  }
  if (!PURE_TEXT.has(name) && !SHELLS.has(name) && name !== 'eval' && u.words.slice(1).some(fromNetwork)) {
    acc.remoteCode = true
    acc.ask.add(`passes downloaded content to ${name || 'a command'} as arguments`)
  }
  if (u.dynamicProgram !== undefined) acc.ask.add(`the command word is not a literal (${u.dynamicProgram.slice(0, 40)})`)
}

/** The commands of crontab entries: schedule fields, variable lines and comments dropped, `%` (stdin) cut off. */
function cronCommands(text: string): string {
  const out: string[] = []
  for (const line of text.split('\n')) {
    const l = line.trim()
    if (l === '' || l.startsWith('#') || /^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(l)) continue
    const m = /^@\w+\s+(.*)$/.exec(l) ?? /^(?:\S+\s+){5}(.*)$/.exec(l)
    const command = (m?.[1] ?? l).replace(/(^|[^\\])%.*$/, '$1')
    out.push(command)
  }
  return out.join('\n')
}

/**
 * Commands a scheduler reads (`at`, `batch`, `crontab -`/`FILE`): from `file` (written earlier on
 * the line, else not visible), a here-document, a literal upstream (`echo … | at now`) or an
 * unknown pipe. Visible text is judged as commands (`commands` extracts them); text that is not
 * visible is asked about.
 */
function judgeScheduledText(name: string, file: string | undefined, cmd: Cmd, acc: Acc, depth: number, commands: (text: string) => string): void {
  const cwd = cmd.cwdLost ? undefined : cmd.cwd
  const run = (text: string): void => collect(commands(text), cwd, acc, depth + 1, false)
  const here = cmd.redirects.find((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<')
  const from = file ?? cmd.redirects.find((r) => r.op === '<')?.target?.text
  if (from !== undefined) {
    const path = resolveLoose(from, cmd, acc)
    const text = acc.written.get(path)
    if (text !== undefined) run(text)
    else if (acc.downloaded.has(path)) {
      acc.remoteCode = true
      acc.ask.add(`${name} schedules commands downloaded on the same line (${from})`)
    } else acc.ask.add(`${name} schedules commands from a file not visible here (${from})`)
    return
  }
  if (here !== undefined) {
    run(here.body ?? '')
    if (here.bodyDynamic === true) acc.ask.add(`${name} schedules commands with expansions in them`)
    return
  }
  if (cmd.pipeFrom.length === 0) return
  if (cmd.pipeFrom.some((c) => c.network === true)) {
    acc.remoteCode = true
    acc.ctx.flags.add('pipes_to_shell')
    acc.ask.add(`${name} schedules commands downloaded from the network`)
    return
  }
  const printed = cmd.pipeFrom.map((c) => c.output)
  if (printed.every((p) => p !== undefined)) run(printed.join('\n'))
  else acc.ask.add(`${name} schedules commands read from a pipe, not visible here`)
}

/**
 * A program whose effect on its arguments is not modeled (an unknown binary, a project script, a
 * script run by an interpreter, a package run by `npx`/`pnpm dlx`/`yarn dlx`/`bunx`/`npm exec`)
 * handed a file that developer tooling runs later without asking: it may rewrite it, and what it
 * changes is not visible here. Known readers and modeled writers are judged by their ops instead
 * (`handed-files.ts`).
 */
/**
 * Whether `argv` starts a command the classifier knows (anything but an unknown program or script):
 * the trailing words of an unmodeled program that begin one are judged as that command.
 */
function startsKnownCommand(argv: readonly string[]): boolean {
  const ctx: Ctx = { hosts: [], packages: [], flags: new Set(), sql: [] }
  const ops = classifyCommand(argv, { piped: false, xargs: false }, ctx)
  return ops.some((o) => o.category !== 'program' && o.category !== 'script') || WRAPPERS[base(argv[0] ?? '')] !== undefined || SHELLS.has(base(argv[0] ?? ''))
}

/**
 * A program nothing here models (classify's `program`/`script`) handed something that reads as a command line — a string argument with
 * spaces or shell syntax (`nodemon --exec 'rm -rf ~'`, `hyperfine '…'`, `chokidar src -c '…'`) or
 * its trailing words starting with a command the classifier knows (`entr rm -rf ~`, `perf record -- rm -rf ~`,
 * `aws-vault exec prod -- curl …`) — may run it: when that command line would be refused or asked
 * about on its own, this one needs a person, with its reasons.
 */
function judgeCommandLikeArguments(argv: readonly string[], cmd: Cmd, acc: Acc, depth: number): void {
  if (depth > 3) return
  const name = base(argv[0] as string)
  const lines: string[] = []
  for (let i = 1; i < argv.length && lines.length < 8; i += 1) {
    const a = argv[i] as string
    if (/\s|[;&|`$<>]/.test(a.replace(/^--?[A-Za-z-]+=/, '')) && !looksLikeUrl(a)) lines.push(a.replace(/^--?[A-Za-z-]+=/, ''))
    else if (!a.startsWith('-') && startsKnownCommand(argv.slice(i))) lines.push(argv.slice(i).map(quoteWord).join(' '))
  }
  const cwd = cmd.cwdLost ? undefined : cmd.cwd ?? acc.cwd
  for (const line of lines) {
    if (line.length > 4096) continue
    const inner = analyzeShell(line, cwd)
    // prose is not a command line: a string that does not parse is left alone
    if (inner.askReasons.some((r) => /cannot parse|could not be fully analysed/.test(r)) && inner.denyReasons.length === 0) continue
    const reasons = [...inner.denyReasons, ...inner.askReasons.filter((r) => !/comes from a variable/.test(r))]
    if (reasons.length > 0) {
      acc.ask.add(`${name} is handed a command line it may run (${line.slice(0, 60)}): ${reasons.slice(0, 2).join('; ')}`)
      return
    }
  }
}

/** A word as the shell would read it back (single-quoted when it needs quoting). */
const quoteWord = (w: string): string => (/^[A-Za-z0-9_@%+=:,./~-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)

function judgeHandedFiles(argv: readonly string[], cmd: Cmd, acc: Acc): void {
  const handed = handedFiles(argv)
  if (handed === undefined) return
  const program = handed.program.length > 60 ? `${handed.program.slice(0, 57)}...` : handed.program
  for (const word of handed.files) {
    const f = facts(word, cmd.cwd, cmd.cwdLost, false, acc.cwd)
    if (isScriptedManifest(f.resolved)) {
      acc.ask.add(`${program} is handed a package manifest (${word}) and may rewrite it: its install scripts run on the next install, and what this program changes is not visible here`)
    } else if (isPersistenceLocation(f.resolved.toLowerCase())) {
      acc.ask.add(`${program} is handed a startup or persistence file (${word}) and may rewrite it: what this program changes is not visible here`)
    }
  }
}

/**
 * The project's executed configuration changed without naming the file (`executed-config.ts`): a
 * tool rewriting the manifest of its directory (`ncu -u`), a manifest key set by the package manager
 * (`npm pkg set scripts.x=…`), package-manager settings that run commands or turn install scripts on.
 */
function judgeExecutedConfig(argv: readonly string[], cmd: Cmd, acc: Acc): void {
  const rewrite = manifestRewrite(argv)
  if (rewrite !== undefined) acc.ask.add(rewrite)
  const cwd = cmd.cwdLost ? undefined : cmd.cwd ?? acc.cwd
  const judgeLine = (line: string): string[] => {
    if (line.length > 4096) return ['a script too long to analyse']
    const f = analyzeShell(line, cwd)
    return [...f.denyReasons, ...f.askReasons]
  }
  for (const r of manifestKeyReasons(argv, judgeLine)) acc.ask.add(r)
  for (const r of settingReasons(argv)) acc.ask.add(r)
}

/** The archive an extracting command reads (`tar -xzf a.tgz`, `tar xzf a.tgz`, `unzip a.zip`); undefined: stdin. */
function archiveSource(name: string, argv: readonly string[]): string | undefined {
  if (name === 'tar' || name === 'bsdtar') {
    const f = optionValue(argv, '-f', '--file')
    if (f !== undefined) return f
    const i = argv.findIndex((a, k) => k > 0 && /^-?[a-zA-Z]*f[a-zA-Z]*$/.test(a) && !a.startsWith('--') && (k === 1 || a.startsWith('-')))
    return i > 0 ? argv[i + 1] : undefined
  }
  if (name === 'unzip' || name === '7z' || name === '7za') return positional(argv).find((p) => !/^(x|e)$/.test(p))
  return undefined
}

function isHomeRoot(f: PathFacts, acc: Acc): boolean {
  return f.broad || f.resolved === acc.home || /^(\/home\/[^/]+|\/Users\/[^/]+|\/root|\/home\/~)$/.test(f.resolved)
}

function resolveLoose(p: string, cmd: Cmd, acc: Acc): string {
  return facts(p, cmd.cwd, cmd.cwdLost, false, acc.cwd).resolved
}

/** Shells and interpreters: inline code, scripts from the network, stdin scripts. */
function judgeScriptRunner(name: string, u: Unwrapped, cmd: Cmd, acc: Acc, depth: number): void {
  const argv = u.argv
  const words = u.words
  const isShell = SHELLS.has(name)
  const lang = isShell ? name : name.replace(/[0-9.]+$/, '')
  // inline code
  const codeFlag: Record<string, readonly string[]> = {
    python: ['-c'], node: ['-e', '-p', '--eval', '--print', '-pe'], nodejs: ['-e', '-p', '--eval', '--print'],
    perl: ['-e', '-E'], ruby: ['-e'], php: ['-r'], lua: ['-e'], luajit: ['-e'], osascript: ['-e'], Rscript: ['-e'],
    pwsh: ['-c', '-Command', '-command', '-EncodedCommand', '-e'], powershell: ['-c', '-Command', '-command', '-EncodedCommand'],
    bun: ['-e', '--eval', '-p', '--print'], deno: ['eval'], tclsh: [], awk: [], expect: ['-c'], julia: ['-e', '--eval', '-E', '--print'], elixir: ['-e', '--eval'], erl: ['-eval'], groovy: ['-e'], scala: ['-e'], tsx: ['-e', '--eval', '-p', '--print'], 'ts-node': ['-e', '--eval', '-p', '--print'], guile: ['-c'], racket: ['-e'], sbcl: ['--eval'],
  }
  if (!isShell) {
    const flags = codeFlag[lang] ?? ['-c', '-e']
    const i = argv.findIndex((a, k) => k > 0 && (flags.includes(a) || (lang === 'perl' && /^-[a-zA-Z]*[eE]$/.test(a)) || (lang === 'python' && /^-[a-zA-Z]*c$/.test(a))))
    if (i > 0) {
      const code = words[i + 1]
      judgeInlineCode(code?.text ?? '', lang, cmd, acc, depth, code !== undefined && fromNetwork(code))
      if (code?.dynamic === true) acc.ask.add(`${lang} runs code that is not a literal`)
      return
    }
  }
  if (name === 'source' || name === '.') {
    const f = words[1]
    if (f === undefined) return
    const hereNet = cmd.redirects.some((r) => r.op === '<<<' && r.target !== undefined && fromNetwork(r.target))
    if (fromNetwork(f) || (cmd.pipeFrom.some((c) => c.network === true) || hereNet) && /^\/dev\/(stdin|fd\/0)$|^-$/.test(f.text)) {
      acc.remoteCode = true
      acc.ask.add('sources a script fetched from the network')
    } else if (f.dynamic) acc.ask.add(`sources a file that is not a literal (${f.text.slice(0, 40)})`)
    else if (acc.downloaded.has(resolveLoose(f.text, cmd, acc))) {
      acc.remoteCode = true
      acc.ask.add(`sources a file downloaded on the same line (${f.text})`)
    } else if (STDIN_SCRIPT.test(f.text)) {
      // `. /dev/stdin <<< '…'`, `source /dev/fd/0 < x`: the shell reads its script from stdin
      judgeStdinScript(name, cmd, acc, depth)
    } else judgeOutsideScript(name, f.text, cmd, acc)
    noteReads([f.text], cmd, acc, name)
    return
  }
  // script file or stdin
  const spec = { value: isShell ? ['-o', '+o', '-O', '+O', '--rcfile', '--init-file'] : ['-m', '-W', '-X', '-r', '--require', '-I', '--import', '--loader', '--env-file'] }
  const i = skipWith(argv, 1, spec)
  const scriptWord = words[i]
  const moduleRun = !isShell && argv.includes('-m')
  const readsStdin = scriptWord === undefined && !moduleRun || scriptWord?.text === '-' || scriptWord?.text === '/dev/stdin' || (isShell && argv.some((a) => /^-[a-zA-Z]*s[a-zA-Z]*$/.test(a)))
  const stdinHeredoc = cmd.redirects.find((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<')
  const stdinFile = cmd.redirects.find((r) => r.op === '<')?.target
  if (readsStdin) {
    const upstreamNet = cmd.pipeFrom.some((c) => c.network === true)
    if (upstreamNet || (stdinFile !== undefined && fromNetwork(stdinFile))) {
      acc.remoteCode = true
      acc.ctx.flags.add('pipes_to_shell')
      acc.ask.add(`pipes a download into ${name}`)
      return
    }
    if (stdinHeredoc !== undefined) {
      const body = stdinHeredoc.body ?? ''
      if (isShell) collect(body, cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
      else judgeInlineCode(body, lang, cmd, acc, depth, false)
      if (stdinHeredoc.bodyDynamic === true) acc.ask.add(`${name} reads a script with expansions in it`)
      return
    }
    if (stdinFile !== undefined) {
      if (stdinFile.dynamic) acc.ask.add(`${name} runs a script that is not a literal`)
      else if (acc.downloaded.has(resolveLoose(stdinFile.text, cmd, acc))) {
        acc.remoteCode = true
        acc.ask.add(`${name} runs a file downloaded on the same line`)
      }
      return
    }
    const feeders = cmd.pipeFrom
    if (feeders.length > 0) {
      const printed = feeders.map((c) => c.output)
      if (printed.every((p) => p !== undefined)) {
        const text = printed.join('\n')
        if (isShell) collect(text, cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
        else judgeInlineCode(text, lang, cmd, acc, depth, false)
      } else {
        acc.ctx.flags.add('pipes_to_shell')
        acc.ask.add(`${name} runs a script read from a pipe`)
      }
    }
    return
  }
  if (scriptWord !== undefined) {
    if (fromNetwork(scriptWord)) {
      acc.remoteCode = true
      acc.ctx.flags.add('pipes_to_shell')
      acc.ask.add(`${name} runs a script fetched from the network`)
    } else if (scriptWord.dynamic) acc.ask.add(`${name} runs a script that is not a literal (${scriptWord.text.slice(0, 40)})`)
    else if (acc.downloaded.has(resolveLoose(scriptWord.text, cmd, acc))) {
      acc.remoteCode = true
      acc.ask.add(`${name} runs a file downloaded on the same line (${scriptWord.text})`)
    } else if (STDIN_SCRIPT.test(scriptWord.text)) judgeStdinScript(name, cmd, acc, depth)
    else if (!moduleRun) judgeOutsideScript(name, scriptWord.text, cmd, acc)
  }
}

/** Script paths that are the shell's own stdin. */
const STDIN_SCRIPT = /^\/dev\/(stdin|fd\/0)$|^\/proc\/(self|thread-self|[0-9]+)\/fd\/0$/

/** A script read from stdin: a here-document or here-string is judged as code, anything else asked. */
function judgeStdinScript(name: string, cmd: Cmd, acc: Acc, depth: number): void {
  const here = cmd.redirects.find((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<')
  if (here !== undefined) {
    collect(here.body ?? here.target?.text ?? '', cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
    if (here.bodyDynamic === true) acc.ask.add(`${name} reads a script with expansions in it`)
    return
  }
  const printed = cmd.pipeFrom.map((c) => c.output)
  if (printed.length > 0 && printed.every((p) => p !== undefined)) collect(printed.join('\n'), cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
  else {
    acc.ctx.flags.add('pipes_to_shell')
    acc.ask.add(`${name} runs a script read from stdin that is not visible here`)
  }
}

/**
 * A script run from a scratch or download directory (`sh /tmp/x.sh`, `source ~/Downloads/x.sh`):
 * its text was never judged (a file there is written by a download or any earlier call), so it
 * needs a person. Project scripts and installed tools' own scripts (`~/.nvm/nvm.sh`) stay quiet.
 */
function judgeOutsideScript(name: string, path: string, cmd: Cmd, acc: Acc): void {
  const f = facts(path, cmd.cwd, cmd.cwdLost, false, acc.cwd)
  if (f.scope === PathScope.Temp || /^(\/home\/[^/]+|\/Users\/[^/]+|\/root)\/(Downloads|Desktop)\//.test(f.resolved)) {
    acc.ask.add(`${name} runs a script from ${f.scope === PathScope.Temp ? 'a temporary directory' : 'a download directory'} whose text is not visible here (${path})`)
  }
}

const ALIAS_KEYS = /^(alias\.[^=]+|core\.(sshcommand|pager|editor|fsmonitor|hookspath|askpass|gitproxy)|sequence\.editor|diff\.external|credential\.helper|gpg\.program|filter\.[^.]+\.(clean|smudge|process)|uploadpack\.packobjectshook|protocol\.ext\.allow)$/i

function judgeGit(argv: readonly string[], cmd: Cmd, acc: Acc, depth: number): void {
  // `git -c key=value`: aliases starting with `!` and command-valued keys run shell code.
  for (let i = 1; i < argv.length; i += 1) {
    const a = argv[i] as string
    const kv = a === '-c' ? argv[i + 1] : a.startsWith('-c') && a.length > 2 ? a.slice(2) : a.startsWith('--config-env=') ? undefined : undefined
    if (kv === undefined) continue
    const eq = kv.indexOf('=')
    if (eq < 0) continue
    const key = kv.slice(0, eq)
    const val = kv.slice(eq + 1)
    if (ALIAS_KEYS.test(key)) {
      const code = key.startsWith('alias.') ? (val.startsWith('!') ? val.slice(1) : '') : val
      if (code !== '') {
        acc.ask.add(`git runs shell code from a config value (${key})`)
        collect(code, cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
      }
    }
  }
  const gi = skipWith(argv, 1, { value: ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path'] })
  const sub = argv[gi] ?? ''
  const rest = argv.slice(gi + 1)
  const pos = positional(rest, 0)
  if (sub === 'config' && pos.length >= 2) {
    const key = pos[0] as string
    if (ALIAS_KEYS.test(key)) {
      const val = pos[1] as string
      const code = key.startsWith('alias.') ? (val.startsWith('!') ? val.slice(1) : '') : val
      if (code !== '') {
        acc.ask.add(`git config stores shell code (${key})`)
        collect(code, cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
      }
      if (/hookspath/i.test(key)) acc.ask.add('redirects git hooks (core.hooksPath)')
    }
  }
  if (sub === 'remote' && (pos[0] === 'add' || pos[0] === 'set-url') && pos[1] !== undefined && pos[2] !== undefined) {
    acc.remotes.set(pos[1], pos[2])
  }
  if (sub === 'config' && pos.length >= 2) {
    const m = /^remote\.(.+)\.(push)?url$/i.exec(pos[0] as string)
    if (m !== null) acc.remotes.set(m[1] as string, pos[1] as string)
  }
  if (sub === 'push') {
    const remote = pos[0]
    // a bare `git push` goes to origin, which may have been pointed elsewhere earlier on the line
    if (remote === undefined && !acc.remotes.has('origin')) return
    if (remote === 'origin' && !acc.remotes.has('origin')) return
    if (remote === undefined) {
      const url = acc.remotes.get('origin') as string
      acc.egress.push(`git push to ${url}`)
      acc.deny.add(`pushes to a remote that is not origin (origin was set to ${url})`)
      return
    }
    const url = acc.remotes.get(remote) ?? (looksLikeUrl(remote) || remoteSpec(remote) !== undefined || /^(\/|\.\.?\/|file:)/.test(remote) ? remote : undefined)
    if (url !== undefined) {
      acc.egress.push(`git push to ${url}`)
      acc.deny.add(`pushes to a remote that is not origin (${url})`)
    } else if (remote === 'upstream') acc.ask.add('pushes to upstream')
    else acc.ask.add(`pushes to a remote that is not origin (${remote})`)
  }
  if (sub === 'clean' && (hasShort(rest, 'f') || hasFlag(rest, '--force')) && (hasShort(rest, 'x') || hasShort(rest, 'd'))) {
    acc.ask.add('git clean deletes untracked files')
  }
  if (sub === 'reset' && hasFlag(rest, '--hard')) acc.ask.add('git reset --hard discards changes')
  if (sub === 'filter-branch' || sub === 'filter-repo') acc.ask.add('rewrites git history')
}

/** Programs that only read or describe the files they are given (the guard's files may be shown to them). */
const GUARD_SAFE_PROGRAMS = new Set(['cat', 'less', 'more', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ls',
  'stat', 'file', 'wc', 'diff', 'cmp', 'jq', 'yq', 'bat', 'md5sum', 'sha256sum', 'sha1sum', 'shasum', 'cksum', 'test', '[',
  '[[', 'realpath', 'readlink', 'du', 'tree', 'find', 'fd', 'echo', 'printf', 'cd', 'pushd', 'basename', 'dirname', 'permit0',
  'nl', 'sort', 'uniq', 'xxd', 'od', 'hexdump', 'strings', 'column', 'ln'])

const CONTAINER_CLIS = new Set(['docker', 'podman', 'nerdctl', 'finch'])

/** The directory a one-line static file server publishes, when it names one. */
function servedDirectory(name: string, argv: readonly string[]): string | undefined {
  const pos = positional(argv)
  if (/^python[0-9.]*$/.test(name) && argv[1] === '-m' && argv[2] === 'http.server') return optionValue(argv, '-d', '--directory')
  if (name === 'php' && argv.includes('-S')) return optionValue(argv, '-t')
  if (name === 'httpd' && argv.includes('-h')) return optionValue(argv, '-h') // busybox httpd (unwrapped)
  if (name === 'ruby' && argv.includes('-run') || name === 'ruby' && argv.some((a) => a.startsWith('httpd'))) return pos.find((p) => /^(\/|~|\.)/.test(p))
  if (/^(http-server|serve|live-server|static-server|caddy|miniserve|darkhttpd|simple-http-server)$/.test(name)) {
    if (name === 'caddy') return argv[1] === 'file-server' ? optionValue(argv, '--root', '-r') : undefined
    return pos.find((p) => /^(\/|~|\.\.)/.test(p))
  }
  if ((name === 'npx' || name === 'pnpx' || name === 'bunx') && /^(http-server|serve|live-server)(@|$)/.test(pos[0] ?? '')) return pos.slice(1).find((p) => /^(\/|~|\.\.)/.test(p))
  return undefined
}

/** The text an `echo`/`printf`/`cat <<EOF` writes, when every part of it is literal. */
function writtenText(name: string, cmd: Cmd): string | undefined {
  const args = cmd.argv.slice(1)
  if (args.some((w) => w.dynamic)) return undefined
  const here = cmd.redirects.find((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<')
  if (name === 'cat' && args.length === 0 && here?.body !== undefined && here.bodyDynamic !== true) return here.body
  const texts = args.map((w) => w.text)
  if (name === 'echo') return texts.filter((t, i) => !(i === 0 && /^-[neE]+$/.test(t))).join(' ')
  if (name === 'printf' && texts.length === 1) return (texts[0] as string).replace(/\\n/g, '\n').replace(/\\t/g, '\t')
  return undefined
}

/**
 * Programs that read every file under a directory they are given (`grep -r`, `rg`, `cp -r`, …):
 * such an argument reads what lives inside it, as a search tool's directory does.
 */
function readsDirectories(argv: readonly string[]): boolean {
  const name = base(argv[0] ?? '')
  const args = argv.slice(1)
  const recurseFlag = hasShort(args, 'r') || hasShort(args, 'R') || hasFlag(args, '--recursive')
  if (RECURSIVE_READERS.has(name)) return true
  if (GREP_PROGRAMS.has(name)) return recurseFlag || hasFlag(args, '--dereference-recursive') || args.some((a, i) => /^(-d|--directories)=?recurse$/.test(a) || a === 'recurse' && /^(-d|--directories)$/.test(args[i - 1] ?? ''))
  if (name === 'cp') return recurseFlag || hasShort(args, 'a') || hasFlag(args, '--archive')
  if (name === 'scp' || name === 'diff') return recurseFlag
  return false
}
/** Searchers that recurse into directories by default. */
const RECURSIVE_READERS = new Set(['rg', 'ag', 'ack', 'ack-grep', 'pt', 'sift', 'ugrep'])
const GREP_PROGRAMS = new Set(['grep', 'egrep', 'fgrep', 'zgrep'])

/** Judges read targets: credentials and permit0's secrets. */
/** Programs whose operands are files they print or copy whole. */
const FILE_DUMPERS = new Set(['cat', 'tac', 'head', 'tail', 'less', 'more', 'most', 'bat', 'batcat', 'nl', 'xxd', 'od', 'hexdump', 'hd',
  'strings', 'base64', 'base32', 'basenc', 'uuencode', 'cp', 'scp', 'rsync', 'dd', 'install', 'zip', 'gzip', 'bzip2', 'xz', 'zstd', 'tar', 'view', 'vim', 'nvim', 'nano'])

/**
 * A file dumped through a path computed at run time (`cat "$(… | rev)"`, `while read f; do cat $f`
 * fed a credential path, `cat $X`): which file it is cannot be resolved, so it may be a credential.
 * Paths that only end in a variable under a known directory (`build/$V/out.log`) stay quiet.
 */
function noteComputedReads(argv: readonly string[], words: readonly Word[], cmd: Cmd, acc: Acc, who: string): void {
  for (let i = 1; i < argv.length; i += 1) {
    const w = words[i]
    const a = argv[i] as string
    if (w === undefined || a.startsWith('-') && !/^(if|of)=/.test(a)) continue
    const path = a.replace(/^(if|of)=/, '')
    if (!(w.dynamic || w.subst.length > 0) || !/^["']?(\$|`)/.test(path)) continue
    // a literal file name under a computed directory (`$(git rev-parse --show-toplevel)/package.json`)
    // is judged by that name (credential names are found by noteReads)
    const lastSlash = path.lastIndexOf('/')
    if (lastSlash > 0 && !/[$`)]/.test(path.slice(lastSlash + 1)) && path.slice(lastSlash + 1) !== '') continue
    acc.ask.add(`${who} reads a file whose path is computed at run time (${path.slice(0, 40)}): which file it is cannot be resolved`)
    return
  }
}

function noteReads(paths: readonly string[], cmd: Cmd, acc: Acc, who: string): void {
  const recursive = readsDirectories(cmd.argv.map((w) => w.text))
  for (const p of paths) {
    if (p === '' || p === '-' || looksLikeUrl(p) && !p.startsWith('/')) continue
    // a space inside a command substitution (`$(dirname x)/.env`) does not make the word prose
    if (/\s/.test(p.replace(/\$\([^)]*\)|`[^`]*`/g, '_')) && !/^(\/|~|\.\.?\/)/.test(p)) continue
    const f = facts(p, cmd.cwd, cmd.cwdLost, false, acc.cwd)
    // A glob reads whatever it expands to, and a recursive reader everything under its directory:
    // judged as a search of that directory and pattern is (`cat ~/.permit0/data/*`, `grep -r . ~`).
    const glob = /[*?[{]/.test(p)
    const reach = glob || recursive ? classifySearch(glob ? undefined : p, glob ? [p] : [], cmd.cwdLost ? undefined : (cmd.cwd ?? acc.cwd)) : undefined
    if (f.kind === PathKind.GuardSecret || reach?.kind === PathKind.GuardSecret) acc.deny.add(`reads permit0's secrets (${who} ${p})`)
    else if (f.kind === PathKind.Secret || reach?.kind === PathKind.Secret) {
      acc.secretReads.push(p)
      acc.ask.add(`reads credentials (${who} ${p})`)
    } else if (recursive && reach?.broad === true) {
      acc.ask.add(`reads every file under a whole home directory or the file-system root (${who} ${p}): credentials and permit0's secrets live there`)
    }
  }
}

/** Read targets of any program: every positional path-like argument, `if=`/`@file` forms. */
function readTargets(argv: readonly string[], words: readonly Word[]): string[] {
  const out: string[] = []
  for (let i = 1; i < argv.length; i += 1) {
    const a = argv[i] as string
    const w = words[i]
    const alts = w?.alternatives ?? []
    for (const x of [a, ...alts]) {
      const kv = /^(?:if|of|file|--?[a-z-]+)=(.+)$/.exec(x)
      if (kv !== null) out.push(kv[1] as string)
      else if (x.startsWith('@')) out.push(x.slice(1))
      else if (/^[A-Za-z0-9_.-]*[@<][~/.]/.test(x)) out.push(x.slice(x.search(/[@<][~/.]/) + 1))
      else if (!x.startsWith('-')) out.push(x)
    }
  }
  return out
}

/**
 * Facts of a path named by a command: resolved against the directory the command runs in (after
 * any `cd`), judged against the call's working directory (the project). Unknown parts (`$X`,
 * `$(…)`, a `cd` to somewhere unknown) make the scope unknown, never the project.
 */
function facts(path: string, cwd: string | undefined, cwdLost: boolean, dynamic: boolean, project: string | undefined): PathFacts {
  const unknown = dynamic || path.includes('$') || path.includes('`') || (cwdLost && !path.startsWith('/') && !path.startsWith('~'))
  const clean = unknown ? path.replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\([^)]*\)|`[^`]*`/g, '_') : path
  const absolute = cwd !== undefined && !cwdLost && !clean.startsWith('/') && !clean.startsWith('~') && cwd !== project
    ? `${cwd}/${clean}`
    : clean
  const f = classifyPath(absolute, project)
  return unknown ? { ...f, scope: worseScope(f.scope, PathScope.Unknown) } : f
}

/** Files a tool runs code from when it starts in a directory. */
const RUNS_FILES: Readonly<Record<string, readonly string[]>> = {
  make: ['Makefile', 'makefile', 'GNUmakefile'], gmake: ['Makefile', 'makefile', 'GNUmakefile'],
  npm: ['package.json', '.npmrc'], pnpm: ['package.json', '.npmrc', 'pnpmfile.cjs', '.pnpmfile.cjs'], yarn: ['package.json', '.yarnrc.yml', '.yarnrc'],
  bun: ['package.json', 'bunfig.toml'], npx: ['package.json'], just: ['justfile', 'Justfile', '.justfile'],
  task: ['Taskfile.yml', 'Taskfile.yaml'], rake: ['Rakefile'], pip: ['setup.py', 'pyproject.toml'], pip3: ['setup.py', 'pyproject.toml'],
  python: ['setup.py', 'conftest.py'], python3: ['setup.py', 'conftest.py'], pytest: ['conftest.py', 'pytest.ini', 'pyproject.toml'],
  tox: ['tox.ini'], cargo: ['build.rs', 'Cargo.toml'], gradle: ['build.gradle', 'build.gradle.kts', 'settings.gradle'],
  './gradlew': ['build.gradle', 'build.gradle.kts'], mvn: ['pom.xml'], cmake: ['CMakeLists.txt'], direnv: ['.envrc'],
  vitest: ['vitest.config.ts', 'vitest.config.js', 'vite.config.ts'], jest: ['jest.config.js', 'jest.config.ts'],
  git: ['.git/hooks/pre-commit', '.git/hooks/commit-msg', '.git/hooks/pre-push', '.git/hooks/post-checkout', '.git/config', '.gitattributes'],
}

/** Variables whose value a program runs as a shell command. */
const COMMAND_VARS = new Set(['GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_PAGER', 'GIT_ASKPASS',
  'SSH_ASKPASS', 'SUDO_ASKPASS', 'GIT_EXTERNAL_DIFF', 'GIT_PROXY_COMMAND', 'EDITOR', 'VISUAL', 'PAGER', 'MANPAGER',
  'LESSOPEN', 'LESSCLOSE', 'PROMPT_COMMAND', 'BROWSER', 'FCEDIT', 'SYSTEMD_PAGER', 'PSQL_PAGER', 'MYSQL_PS1'])
/** Variables that load code into programs at start-up. */
const LOADER_VARS = /^(LD_PRELOAD|LD_AUDIT|DYLD_INSERT_LIBRARIES|BASH_ENV|ENV|ZDOTDIR|PERL5OPT|PERL5DB|RUBYOPT|NODE_OPTIONS|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|PYTHONSTARTUP|PYTHONINSPECT|GIT_CONFIG_PARAMETERS|GIT_CONFIG_GLOBAL|GIT_CONFIG_SYSTEM|GIT_EXEC_PATH|GIT_TEMPLATE_DIR|LD_LIBRARY_PATH|DYLD_LIBRARY_PATH)$/
/** NODE_OPTIONS values that only tune the runtime (memory, warnings, source maps). */
const HARMLESS_NODE_OPTIONS = /^(\s*--(max-old-space-size|max-semi-space-size|stack-size|enable-source-maps|no-warnings|no-deprecation|trace-warnings|trace-deprecation|unhandled-rejections|dns-result-order|experimental-vm-modules|openssl-legacy-provider|inspect|inspect-brk|heapsnapshot-near-heap-limit|expose-gc|max-http-header-size)(=[^\s]*)?)+\s*$/

/** Variables that decide whether and where the shell records its history. */
const HISTORY_VARS = /^(HISTFILE|HISTSIZE|HISTFILESIZE|SAVEHIST|HISTIGNORE|HISTCONTROL|HISTORY_IGNORE)$/

/** Whether `KEY=value` stops, shrinks, hides from or redirects the shell's history. */
function hidesHistory(key: string, value: string): boolean {
  const v = value.trim()
  if (key === 'HISTFILE') return v === '' || !isHistoryFile(v)
  if (key === 'HISTSIZE' || key === 'HISTFILESIZE' || key === 'SAVEHIST') return /^(0*|[^0-9-].*)$/.test(v)
  if (key === 'HISTCONTROL') return /ignorespace|ignoreboth/.test(v)
  return /[*?[]/.test(v)
}

/**
 * Anti-forensics of the shell history: clearing or deleting entries (`history -c`/`-d`), forging
 * them (`-s`), switching recording off (`set +o history`, `unset HISTFILE`) — the agent hiding what
 * it ran. Needs a person (the user may have asked for it).
 */
function judgeHistory(name: string, argv: readonly string[], acc: Acc): void {
  const opts = argv.slice(1).filter((a) => /^-[a-zA-Z]+$/.test(a)).join('')
  if (name === 'history' && (/[cds]/.test(opts) || /w/.test(opts) && argv.includes('/dev/null'))) {
    acc.ask.add(`erases or rewrites the shell history (${argv.join(' ').slice(0, 40)}): hides what was run`)
  }
  // `set +o history`, `shopt -uo history`, `shopt -u -o history`, `set +o emacs +o history`
  const off = name === 'set' ? argv.some((a, i) => a === '+o' && argv[i + 1] === 'history') || argv.some((a) => /^\+[a-zA-Z]*o$/.test(a)) && argv.includes('history')
    : name === 'shopt' && /u/.test(opts) && /o/.test(opts) && argv.includes('history')
  if (off) acc.ask.add(`switches shell history off (${argv.join(' ')}): hides what is run next`)
  // bash without histappend overwrites the history file at exit, dropping other sessions' entries
  if (name === 'shopt' && /u/.test(opts) && argv.includes('histappend')) {
    acc.ask.add(`stops appending to the history file (${argv.join(' ')}): the shell overwrites it at exit, dropping other sessions' entries`)
  }
  if ((name === 'unset' || name === 'export' && argv.includes('-n')) && argv.slice(1).some((a) => HISTORY_VARS.test(a)) ||
    (name === 'setopt' || name === 'unsetopt') && argv.slice(1).some((a) => zshOptionHidesHistory(name, a))) {
    acc.ask.add(`changes how the shell records history (${argv.join(' ').slice(0, 60)}): hides what is run next`)
  }
  // zsh `fc`: `-p` switches to a fresh history list (no history file unless one is given); `-l` lists;
  // `-W`/`-A`/`-R`/`-I` read and write files (judged as such); anything else re-runs earlier commands
  if (name === 'fc') {
    const letters = argv.slice(1).filter((a) => /^-[a-zA-Z]+$/.test(a)).join('')
    if (/p/.test(letters)) acc.ask.add(`switches to a fresh shell history (${argv.join(' ').slice(0, 40)}): what is run next is not recorded`)
    else if (!/[lWARIP]/.test(letters)) acc.ask.add(`re-runs or edits commands from the shell history (${argv.join(' ').slice(0, 40)}): what runs is not visible here`)
  }
}

/** Daemons that keep the system's audit trail and logs. */
const AUDIT_DAEMONS = /^(auditd|rsyslog|rsyslogd|syslog|syslog-ng|systemd-journald|journald|sysklogd|auditbeat|osqueryd|falco|wazuh-agent|ossec)(\.service|\.socket)?$/
const AUDIT_STOP = /^(stop|kill|disable|mask|restart|reload)$/

/**
 * The system's audit trail weakened: kernel auditing switched off or its rules deleted (`auditctl -e
 * 0`, `-D`), the journal vacuumed (`journalctl --vacuum-*`), audit and log daemons stopped or
 * disabled, git's reflog expired or deleted (it records where branches pointed before a rewrite).
 */
function judgeAuditTrail(name: string, argv: readonly string[], acc: Acc): void {
  const pos = positional(argv)
  const what = argv.join(' ').slice(0, 60)
  if (name === 'auditctl' && argv.some((a, i) => a === '-D' || (a === '-e' && argv[i + 1] === '0') || a === '-e0')) {
    acc.ask.add(`switches the kernel audit trail off or deletes its rules (${what})`)
  }
  if (name === 'journalctl' && argv.some((a) => /^--vacuum-(time|size|files)/.test(a))) acc.ask.add(`deletes system journal entries (${what}): erases the record of what ran`)
  const service = name === 'service' ? pos[0] : pos.slice(1).find((p) => AUDIT_DAEMONS.test(p))
  const verb = name === 'service' ? pos[1] : pos[0]
  if (['systemctl', 'service', 'rc-service', 'launchctl', 'sv'].includes(name) && service !== undefined && AUDIT_DAEMONS.test(service) && AUDIT_STOP.test(verb ?? '')) {
    acc.ask.add(`stops or disables an audit or logging daemon (${what}): what runs next is not recorded`)
  }
  if (name === 'git') {
    const gi = skipWith(argv, 1, { value: GIT_GLOBAL_VALUES })
    if (argv[gi] === 'reflog' && (argv[gi + 1] === 'delete' || argv[gi + 1] === 'expire' && argv.some((a) => /^--expire(-unreachable)?=(now|all|0)/.test(a)))) {
      acc.ask.add(`erases git's reflog (${what}): the record of where branches pointed before a rewrite`)
    }
  }
}

/** zsh options that, set (or unset), stop or hide the record of commands. */
const ZSH_HIDING_SET = /^(histignorespace|histignorealldups|histnostore|histnofunctions)$/
const ZSH_HIDING_UNSET = /history(time)?$/

/** Whether `setopt|unsetopt OPTION` hides history (zsh ignores case and `_`; a `no` prefix inverts). */
function zshOptionHidesHistory(name: string, option: string): boolean {
  let o = option.toLowerCase().replace(/_/g, '')
  let set = name === 'setopt'
  if (o.startsWith('no') && o !== 'notify') {
    o = o.slice(2)
    set = !set
  }
  if (o === 'histsavebycopy' || o === 'histverify' || o === 'histexpand' || o === 'banghist') return false
  return set ? ZSH_HIDING_SET.test(o) : ZSH_HIDING_UNSET.test(o)
}

/** `NAME=value` set for a command, by `env` or by `export`: command and code-loading variables. */
function judgeEnvAssignment(pair: string, cmd: Cmd, acc: Acc, depth: number): void {
  const eq = pair.indexOf('=')
  if (eq <= 0) return
  const key = pair.slice(0, eq)
  const value = pair.slice(eq + 1)
  if (HISTORY_VARS.test(key) && hidesHistory(key, value)) {
    acc.ask.add(`sets ${key}=${value.replace(/^(['"])(.*)\1$/s, '$2').slice(0, 40)}: stops or hides the shell's history of what is run`)
    return
  }
  const setting = settingFromEnv(pair)
  if (setting !== undefined) {
    acc.ask.add(setting)
    return
  }
  if (key.startsWith('PERMIT0_')) {
    acc.ask.add(`sets ${key}: changes permit0's own settings for what runs with it`)
    return
  }
  if (COMMAND_VARS.has(key)) {
    if (value.trim() === '') return
    collect(value, cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, false)
    if (/[;&|`$()<>\n]|(^|\s|\/)(sh|bash|zsh|dash|ksh|fish|python[0-9.]*|perl|ruby|node|php|curl|wget|nc|ncat|socat)(\s|$)/.test(value)) {
      acc.ask.add(`sets ${key}, which runs a shell command (${value.slice(0, 60)})`)
    }
    return
  }
  if (LOADER_VARS.test(key)) {
    if (value.trim() === '' || key === 'NODE_OPTIONS' && HARMLESS_NODE_OPTIONS.test(value)) return
    if ((key === 'LD_LIBRARY_PATH' || key === 'DYLD_LIBRARY_PATH') && !/(^|:)(\/tmp|\/dev\/shm|\/var\/tmp|\.)(\/|:|$)/.test(value)) return
    acc.ask.add(`sets ${key}, which loads code into the programs it starts (${value.slice(0, 60)})`)
  }
}

/** Backslash escapes as `printf` (and `echo -e`, `%b`) decode them: `\x72`, `\162`, `\u0072`, `\n`, … */
function decodeEscapes(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|0?[0-7]{1,3}|.)/g, (_, e: string) => {
    if (/^[xuU]/.test(e)) return String.fromCodePoint(Number.parseInt(e.slice(1), 16))
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8))
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', E: '\x1b', '\\': '\\' } as Record<string, string>)[e] ?? `\\${e}`
  })
}

/** What `echo` prints (`-e` decodes escapes); undefined when it cannot be known. */
function echoOutput(argv: readonly string[]): string | undefined {
  let i = 1
  let escapes = false
  while (i < argv.length && /^-[neE]+$/.test(argv[i] as string)) {
    escapes = /e[^E]*$/.test(argv[i] as string) || escapes && !(argv[i] as string).includes('E')
    i += 1
  }
  const text = argv.slice(i).join(' ')
  return escapes ? decodeEscapes(text) : text
}

/**
 * What `printf FORMAT ARGS…` prints: escapes decoded, `%s`/`%b`/`%c`/`%d` filled from the
 * arguments (the format reused while arguments remain). Undefined for conversions not modelled
 * (the text then counts as unknown, never as the literal format).
 */
function printfOutput(argv: readonly string[]): string | undefined {
  let i = 1
  if (argv[i] === '--') i += 1
  if (argv[i] === '-v') return undefined
  const format = argv[i]
  if (format === undefined) return undefined
  const args = argv.slice(i + 1)
  let out = ''
  let k = 0
  for (let round = 0; round < 64; round += 1) {
    let unknown = false
    const piece = format.replace(/%(%|[-+ #0]*[0-9]*(?:\.[0-9]+)?([a-zA-Z]))/g, (m: string, spec: string, conv: string | undefined) => {
      if (spec === '%') return '%'
      const arg = args[k] ?? ''
      k += 1
      if (conv === 's' || conv === 'd' || conv === 'i' || conv === 'u') return arg
      if (conv === 'b') return decodeEscapes(arg)
      if (conv === 'c') return arg.slice(0, 1)
      unknown = true
      return m
    })
    if (unknown) return undefined
    out += decodeEscapes(piece)
    if (k === 0 || k >= args.length) break
  }
  return out
}

/** Programs and subcommands that print a credential (the reads pair with any egress on the line). */
const CREDENTIAL_PRINTERS: readonly (readonly [string | RegExp, RegExp])[] = [
  ['az', /\baccount get-access-token\b|\bad sp credential reset\b|\bkeyvault secret (show|download)\b|\bstorage account keys list\b|\bacr login\b.*--expose-token|\bacr credential show\b/],
  ['kubectl', /\bconfig view\b.*--(raw|flatten)\b/],
  ['oc', /\bwhoami\b.*(--show-token|-t\b)|\bconfig view\b.*--(raw|flatten)\b/],
  [/^docker-credential-/, /^(get|list)\b/],
  ['getent', /\b(shadow|gshadow)\b/],
  ['secret-tool', /\b(lookup|search)\b/],
  ['kwallet-query', /./],
  ['keyring', /\bget\b/],
  ['aws', /\bsts (get-session-token|assume-role)\b|\becr(-public)? get-login-password\b|\bcodeartifact get-authorization-token\b|\bssm get-parameters?\b.*--with-decryption/],
  [/^(doctl|fly|flyctl)$/, /\bauth token\b/],
  ['heroku', /\bauth:token\b/],
  ['npm', /\btoken (list|ls)\b/],
  ['glab', /\bauth (token|status\b.*(-t\b|--show-token))/],
  ['gh', /\bauth status\b.*(-t\b|--show-token)/],
]

/** Variables naming a build mode (`NODE_ENV=production npm run build`), not a deployment target. */
const BUILD_MODE_VAR = /^(NODE_ENV|BABEL_ENV)=/
/** Package managers and bundlers a build-mode variable is given to (`NODE_ENV=production npm run build`). */
const BUILD_PROGRAMS = new Set(['npm', 'pnpm', 'yarn', 'bun', 'next', 'vite', 'webpack', 'rollup', 'esbuild', 'parcel', 'tsc', 'tsup', 'turbo', 'nx', 'astro', 'nuxt', 'react-scripts'])

/** Classifies one command (already unwrapped) and records its ops and reasons. */
function handleCommand(cmd: Cmd, acc: Acc, depth: number): void {
  acc.commands += 1
  const u = unwrap(cmd.argv, acc)
  acc.sudo ||= u.sudo
  acc.background ||= u.background || cmd.background
  // NODE_ENV/BABEL_ENV=production name a build mode, not a target (prod deploys and databases are
  // still read from the line in judgeLine)
  // a build-mode variable set for a package manager or bundler, or exported for the commands after it
  const building = !u.sudo && (u.argv[0] === undefined || BUILD_PROGRAMS.has(base(u.argv[0])))
  for (const e of u.env) if (prodWord(e.slice(e.indexOf('=') + 1)) && !(building && BUILD_MODE_VAR.test(e))) acc.ctx.flags.add('prod')
  for (const [k, v] of cmd.assigns) if (prodWord(v.text) && /ENV|STAGE/.test(k) && !(building && BUILD_MODE_VAR.test(`${k}=`))) acc.ctx.flags.add('prod')
  const argv = u.argv
  const name = argv[0] === undefined ? '' : base(argv[0])
  // variables that make programs run commands, load code or preload libraries
  const exported = /^(export|declare|typeset|readonly|local|setenv)$/.test(name) ? argv.slice(1).filter((a) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) : []
  for (const pair of [...cmd.assigns.map(([k, v]) => `${k}=${v.text}`), ...u.env, ...exported]) judgeEnvAssignment(pair, cmd, acc, depth)
  if (name !== '') acc.programs.push(name)
  cmd.program = name
  // `rм`, `ｒｍ`, zero-width joiners: a command word that looks like another one is not understood
  if (/[^\x21-\x7e]/.test(name)) acc.ask.add(`the command word has characters outside plain ASCII (${JSON.stringify(name).slice(1, -1).slice(0, 40)}): it may imitate another command`)
  cmd.network = NETWORK_PROGRAMS.has(name) || (name === 'gh' && argv.includes('api')) || (name === 'aws' && argv.includes('s3') && argv.includes('cp') && !(argv[argv.length - 1] ?? '').startsWith('s3://'))
  if ((name === 'echo' || name === 'printf') && argv.length > 1 && !cmd.argv.some((w) => w.dynamic)) {
    cmd.output = name === 'echo' ? echoOutput(argv) : printfOutput(argv)
  }
  const here = cmd.redirects.find((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<')
  if (name === 'cat' && argv.length === 1 && here !== undefined && here.bodyDynamic !== true) cmd.output = here.body ?? ''
  if (u.remoteHost !== undefined) {
    acc.ctx.hosts.push(classifyHost(u.remoteHost).host)
    acc.ctx.flags.add('remote_exec')
    acc.remoteExec = true
    acc.egress.push(`ssh ${u.remoteHost}`)
  }
  for (const inl of u.inline) {
    if (inl.network) {
      acc.remoteCode = true
      acc.ctx.flags.add('pipes_to_shell')
      acc.ask.add(`${inl.origin} runs code fetched from the network`)
    }
    if (inl.dynamic) acc.ask.add(`${inl.origin} runs text that is not a literal (${inl.text.slice(0, 40)})`)
    acc.inlineCode ||= inl.origin === 'eval' || inl.origin.endsWith('-c')
    if (inl.kind === 'remote') {
      acc.remoteExec = true
      acc.ask.add(`runs commands on another host (${u.remoteHost ?? 'ssh'})`)
    }
    collect(inl.text, inl.kind === 'remote' ? undefined : cmd.cwdLost ? undefined : cmd.cwd, acc, depth + 1, inl.kind === 'remote')
  }
  for (const sub of u.sub) handleCommand({ ...cmd, argv: sub, redirects: [], pipeFrom: [] }, acc, depth + 1)
  // find -exec/-execdir/-ok: the command runs once per match, `{}` being the match.
  if (name === 'find') {
    const root = positional(argv).find((p) => !p.startsWith('(') && !p.startsWith('!')) ?? '.'
    const match = findMatchGlob(argv, root)
    for (let i = 1; i < argv.length; i += 1) {
      if (!['-exec', '-execdir', '-ok', '-okdir'].includes(argv[i] as string)) continue
      let j = i + 1
      while (j < argv.length && argv[j] !== ';' && argv[j] !== '+' && argv[j] !== '\\;') j += 1
      const sub = u.words.slice(i + 1, j).map((w) => (w.text.includes('{}') ? { ...w, text: w.text.replace(/\{\}/g, match), glob: true } : w))
      if (sub.length > 0) handleCommand({ ...cmd, argv: sub, redirects: [], text: cmd.text }, acc, depth + 1)
      i = j
    }
    if (argv.includes('-delete')) {
      // judged below as a recursive delete of the search root
    }
  }
  // xargs: the command gets extra (unknown) arguments from stdin
  if (u.xargs && name !== 'echo') {
    const withInput = [...u.words.map((w) => (u.xargsReplace !== undefined && w.text.includes(u.xargsReplace) ? { ...w, dynamic: true } : w)), ...xargsInput(cmd)]
    const ops = classifyCommand(withInput.map((w) => w.text), { piped: true, xargs: true }, acc.ctx)
    judgeCommand({ ...u, argv: withInput.map((w) => w.text), words: withInput }, cmd, acc, ops, depth)
    record(ops, cmd, acc, new Set(['$XARGS']))
    // `… | xargs curl …`: what xargs starts sends its input over the network
    if (NETWORK_PROGRAMS.has(name) || ops.some((o) => o.action === 'file.upload')) acc.egress.push(`xargs ${name}`)
  }
  // awk programs: system(), pipes to/from commands
  if (name === 'awk' || name === 'gawk' || name === 'mawk' || name === 'nawk') {
    const prog = u.words.slice(1).find((w, k) => !w.text.startsWith('-') && !(['-F', '-v', '-f'].includes(argv[k] ?? '')))
    if (prog !== undefined) judgeAwk(prog.text, cmd, acc, depth)
  }
  if (name === 'sed' && u.words.slice(1).some((w) => /(^|;|\n)\s*e(\s|$)|\/e[gpi0-9]*$|^\s*[0-9,$]*e\s/.test(w.text) && !w.text.startsWith('-'))) acc.ask.add('sed runs commands (e)')
  if (u.xargs) return
  const stdinFile = cmd.redirects.find((r) => r.op === '<')?.target?.text
  const fed = cmd.pipeFrom.length > 0 ? cmd.pipeFrom[cmd.pipeFrom.length - 1]?.output : undefined
  const stdinText = here?.body ?? fed
  const view = {
    ...(stdinText !== undefined ? { heredoc: stdinText } : {}),
    ...(stdinFile !== undefined ? { stdinFile } : {}),
    piped: cmd.pipeFrom.length > 0,
    xargs: false,
  }
  const ops = name === '' || u.dynamicProgram !== undefined ? [] : classifyCommand(argv, view, acc.ctx)
  if (u.dynamicProgram !== undefined) ops.push(op('process.run', 'dynamic'))
  if (ops.some((o) => o.category === 'patch_unseen')) {
    acc.ask.add(`applies a patch whose text is not visible here (${argv.slice(0, 3).join(' ')}): it may rewrite any file, package.json scripts and git hooks included`)
  }
  judgeCommand(u, cmd, acc, ops, depth)
  if (name !== '' && !NON_READERS.has(name) && !(name === 'git' && !/^(add|diff|show|cat-file|hash-object|blame|apply|am)$/.test(argv[1] ?? ''))) {
    noteReads(readTargets(argv, u.words), cmd, acc, name)
    if (FILE_DUMPERS.has(name)) noteComputedReads(argv, u.words, cmd, acc, name)
  } else if (name === 'curl' || name === 'wget' || name === 'http' || name === 'xh') {
    noteReads(argv.slice(1).filter((a) => /@[~/.$]/.test(a) && !looksLikeUrl(a)).map((a) => a.slice(a.indexOf('@') + 1)), cmd, acc, name)
  } else if (name === 'git') {
    noteReads(readTargets(argv, u.words).filter((a, i, all) => name !== 'git' || i > 0 || all.length > 1).filter((a) => name === 'git' ? /^(~|\/|\.)/.test(a) : false), cmd, acc, name)
  }
  if (name === 'curl' || name === 'wget' || NETWORK_PROGRAMS.has(name)) {
    for (const a of argv.slice(1)) {
      if (looksLikeUrl(a) || /^(localhost|\[[0-9a-f:]+\]|[0-9.]+)(:[0-9]+)?(\/|$)/i.test(a)) noteUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(a) ? a : `http://${a}`, acc, name)
      else if (/^:[0-9]+(\/|$)/.test(a)) noteUrl(`http://localhost${a}`, acc, name)
    }
    if (/\/api\/v1\/(approvals|check|audit|policies|lists|packs|tokens|admin)/i.test(cmd.text) || cmd.pipeFrom.some((c) => /\/api\/v1\/approvals/i.test(c.text))) {
      acc.deny.add(`calls permit0's own API (${name})`)
    }
    noteDownload(name, argv, cmd, acc)
  }
  if (NETWORK_PROGRAMS.has(name) || ['scp', 'rsync', 'sftp', 'rclone', 'ftp'].includes(name) && ops.some((o) => o.action === 'file.upload')) {
    acc.egress.push(name)
  }
  // interactive transfer clients take their commands (`put ~/.ssh/id_rsa`) from stdin or a batch
  // file, and TLS/socket clients send their stdin: connecting at all is egress
  if (['sftp', 'lftp', 'ftp', 'tftp', 'ncftp', 'ncftpput', 'smbclient', 'gnutls-cli', 'wscat', 'websocat'].includes(name) ||
    name === 'openssl' && argv[1] === 's_client') {
    if (!acc.egress.includes(name)) acc.egress.push(name === 'openssl' ? 'openssl s_client' : name)
  }
  if (name === 'aws' && ops.some((o) => o.action === 'file.upload') || name === 'gsutil' && ops.some((o) => o.action === 'file.upload')) acc.egress.push(name)
  record(ops, cmd, acc, new Set(cmd.argv.filter((w) => w.dynamic).map((w) => w.text)))
  // a file copied, moved or linked into place has text not visible here: running it later on the line asks
  for (const o of ops) {
    if (!['file.copy', 'file.move', 'file.create'].includes(o.action) || !o.writes || name === 'mkdir' || name === 'touch' || name === 'mkfifo') continue
    for (const t of o.targets) {
      const path = resolveLoose(t, cmd, acc)
      if (!acc.written.has(path)) acc.written.set(path, undefined)
    }
  }
  // redirections
  for (const r of cmd.redirects) {
    const t = r.target
    if (t === undefined || r.op === '<<' || r.op === '<<-' || r.op === '<<<') continue
    if (/^[0-9]+$|^-$/.test(t.text) && (r.op === '>&' || r.op === '<&')) continue
    const m = /^\/dev\/(tcp|udp)\/([^/]+)\/([0-9]+)/.exec(t.text)
    if (m !== null) {
      acc.ctx.hosts.push(classifyHost(m[2] as string).host)
      acc.egress.push(`/dev/${m[1] as string}`)
      noteUrl(`http://${m[2] as string}:${m[3] as string}/`, acc, `/dev/${m[1] as string}`)
      if (SHELLS.has(name) || INTERPRETERS.has(name) || /^python/.test(name) || name === '') acc.deny.add(`connects a shell to a network socket (reverse shell via /dev/${m[1] as string})`)
      else acc.ask.add(`opens a raw network socket (/dev/${m[1] as string}/${m[2] as string})`)
      acc.ops.push({ op: op('network.post', 'raw_socket'), cwd: cmd.cwd, cwdLost: cmd.cwdLost, dynamic: new Set() })
      continue
    }
    if (t.text === '/dev/null' || t.text === '/dev/stdout' || t.text === '/dev/stderr' || t.text === '/dev/tty' || /^\/dev\/fd\/[0-9]+$/.test(t.text)) continue
    const dynamic = new Set(t.dynamic ? [t.text] : [])
    if (r.op === '<' || r.op === '<&') {
      noteReads([t.text], cmd, acc, '<')
      acc.ops.push({ op: op('file.read', 'redirect', [t.text]), cwd: cmd.cwd, cwdLost: cmd.cwdLost, dynamic })
      continue
    }
    if (/^\/dev\/(sd|nvme|hd|disk|rdisk|mmcblk|xvd|vd|md|mem|kmem|port)/.test(t.text)) acc.deny.add(`writes straight to a device (${t.text})`)
    if (NETWORK_PROGRAMS.has(name)) acc.downloaded.add(resolveLoose(t.text, cmd, acc))
    if (r.op === '>' || r.op === '>>' || r.op === '>|' || r.op === '&>') {
      const text = writtenText(name, cmd)
      acc.written.set(resolveLoose(t.text, cmd, acc), text)
      // a script written now and run by a later call is judged by its text now
      const script = text === undefined ? undefined : judgeScript(t.text, text, cmd.cwdLost ? undefined : cmd.cwd ?? acc.cwd)
      const why = script === undefined ? [] : [...script.deny, ...script.ask]
      if (why.length > 0) acc.ask.add(`writes a script (${t.text}) that, run, would be refused or asked about: ${why.slice(0, 2).join('; ')}`)
    }
    for (const p of [t.text, ...(t.alternatives ?? [])]) {
      acc.ops.push({ op: op('file.update', 'redirect', [p], true), cwd: cmd.cwd, cwdLost: cmd.cwdLost, dynamic })
    }
  }
}

/** What `xargs` appends: the words a literal upstream prints, a listed directory's entries, or unknown. */
/** What `find` matches, as a glob: its -path pattern, else the root, any directory, the -name pattern (`{}` in -exec, its output). */
function findMatchGlob(argv: readonly string[], root: string): string {
  const namePat = optionValue(argv, '-name', '-iname')
  const pathPat = optionValue(argv, '-path', '-ipath', '-wholename', '-iwholename')
  return pathPat ?? `${root.replace(/\/$/, '')}/*${namePat === undefined ? '' : `/${namePat}`}`
}

function xargsInput(cmd: Cmd): Word[] {
  const dynamic: Word = { text: '$XARGS', dynamic: true, subst: [], glob: false }
  const here = cmd.redirects.find((r) => r.op === '<<<' || r.op === '<<')
  if (here?.body !== undefined && here.bodyDynamic !== true) return shellSplit(here.body).slice(0, 8).map((text) => ({ text, dynamic: false, subst: [], glob: false }))
  const up = cmd.pipeFrom[cmd.pipeFrom.length - 1]
  if (up === undefined) return [dynamic]
  if (up.output !== undefined) return [...shellSplit(up.output).slice(0, 8).map((text) => ({ text, dynamic: false, subst: [], glob: false }))]
  if (up.program === 'ls' || up.program === 'find' || up.program === 'fd') {
    const dirs = up.argv.slice(1).filter((w) => !w.text.startsWith('-'))
    const root = dirs[0]
    if (root !== undefined && !root.dynamic) {
      const text = up.program === 'find' ? findMatchGlob(up.argv.map((w) => w.text), root.text) : `${root.text.replace(/\/$/, '')}/*`
      return [{ text, dynamic: false, subst: [], glob: true }]
    }
  }
  return [dynamic]
}

function noteDownload(name: string, argv: readonly string[], cmd: Cmd, acc: Acc): void {
  const out = curlOutput(argv)
  if (out !== undefined && out !== '-' && out !== '/dev/null') acc.downloaded.add(resolveLoose(out, cmd, acc))
  const urls = argv.filter((a) => /^https?:\/\//.test(a))
  if ((name === 'wget' && out === undefined) || (name === 'curl' && (argv.includes('-O') || argv.includes('--remote-name') || /^-[a-zA-Z]*O$/.test(argv.find((a) => /^-[a-zA-Z]*O$/.test(a)) ?? '')))) {
    for (const u of urls) {
      const file = (u.split('?')[0] ?? '').split('/').pop()
      if (file !== undefined && file !== '') acc.downloaded.add(resolveLoose(file, cmd, acc))
    }
  }
}

function judgeAwk(prog: string, cmd: Cmd, acc: Acc, depth: number): void {
  for (const m of prog.matchAll(/system\s*\(\s*("(?:\\.|[^"\\])*")?([^)]*)\)/g)) {
    if (m[1] !== undefined && (m[2] ?? '').trim() === '') collect(JSON.parse(m[1]) as string, cmd.cwd, acc, depth + 1, false)
    else acc.ask.add('awk runs a computed command (system())')
  }
  for (const m of prog.matchAll(/("(?:\\.|[^"\\])*")\s*\|\s*getline|\|\s*("(?:\\.|[^"\\])*")/g)) {
    const lit = m[1] ?? m[2]
    if (lit !== undefined) collect(JSON.parse(lit) as string, cmd.cwd, acc, depth + 1, false)
  }
  if (/\|\s*getline|\|\s*[a-z_]/.test(prog.replace(/"(?:\\.|[^"\\])*"/g, '""')) && /[a-zA-Z_]\s*\|\s*getline|\|\s*[a-z_]+\s*[;}]/.test(prog)) {
    acc.ask.add('awk pipes to or from a computed command')
  }  // output redirection inside print/printf (`print > "file"`, `printf … >> path`): a literal file
  // is a write judged by its path; a computed file name needs a person
  for (const target of awkOutputTargets(prog)) {
    if (target.literal !== undefined && /^\/dev\/(stdout|stderr|null|fd\/[0-9]+)$/.test(target.literal)) continue
    if (target.literal !== undefined) {
      acc.ops.push({ op: op('file.update', 'redirect', [target.literal], true), cwd: cmd.cwd, cwdLost: cmd.cwdLost, dynamic: new Set() })
    } else acc.ask.add(`awk writes to a computed file name (${target.text.slice(0, 40)})`)
  }
}

/** The targets of `>`/`>>` redirections in an awk program's print and printf statements. */
function awkOutputTargets(prog: string): { text: string; literal?: string }[] {
  const out: { text: string; literal?: string }[] = []
  // statements: split on ; { } and newlines outside strings and regex literals
  const strings: string[] = []
  const masked = prog.replace(/"(?:\\.|[^"\\])*"/g, (m) => `\uE000${strings.push(m) - 1}\uE000`)
  for (const stmt of masked.split(/[;{}\n]/)) {
    const m = /^\s*(?:[^()]*\)\s*)?(print|printf)\b(.*)$/.exec(stmt.replace(/^\s*(if|while|for)\s*\(.*\)\s*/, ''))
    if (m === null) continue
    let depth = 0
    const body = m[2] as string
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]
      if (ch === '(') depth++
      else if (ch === ')') depth--
      else if (ch === '>' && depth === 0) {
        const rest = body.slice(body[i + 1] === '>' ? i + 2 : i + 1).trim()
        const text = rest.replace(/\uE000([0-9]+)\uE000/g, (_, k: string) => strings[Number(k)] as string)
        const lit = /^\uE000([0-9]+)\uE000$/.exec(rest)
        out.push(lit === null ? { text } : { text, literal: JSON.parse(strings[Number(lit[1])] as string) as string })
        break
      }
    }
  }
  return out
}

/** Records ops with the state they were classified in. */
function record(ops: readonly Op[], cmd: Cmd, acc: Acc, dynamic: ReadonlySet<string>): void {
  for (const o of ops) acc.ops.push({ op: o, cwd: cmd.cwd, cwdLost: cmd.cwdLost, dynamic })
}

/** Parses and walks `text`; `remote`: it runs on another host (paths are the remote's). */
function collect(text: string, cwd: string | undefined, acc: Acc, depth: number, remote: boolean): void {
  if (depth > MAX_DEPTH) {
    acc.parseError = true
    acc.ask.add(`code nested more than ${MAX_DEPTH} levels deep is not analysed`)
    return
  }
  if (text.length > MAX_COMMAND_LENGTH) {
    acc.parseError = true
    acc.ask.add(`command longer than ${MAX_COMMAND_LENGTH} characters is not analysed`)
    return
  }
  if (text.includes('\u0000')) {
    acc.parseError = true
    acc.ask.add('command contains a NUL byte')
    return
  }
  // `/dev/tcp` and `/dev/udp` are bash's own sockets, whatever the parser made of the line.
  for (const m of text.includes('/dev/') ? text.matchAll(/\/dev\/(tcp|udp)\/([^/\s]+)\/([0-9]+)/g) : []) {
    acc.ctx.hosts.push(classifyHost(m[2] as string).host)
    acc.egress.push(`/dev/${m[1] as string}`)
    noteUrl(`http://${m[2] as string}:${m[3] as string}/`, acc, `/dev/${m[1] as string}`)
    if (/(^|[\s;&|(])(exec|bash|sh|zsh|ksh|dash)\s/.test(text) && /<>|>&|0<&|<&/.test(text)) {
      acc.deny.add(`connects a shell to a network socket (reverse shell via /dev/${m[1] as string})`)
    } else acc.ask.add(`opens a raw network socket (/dev/${m[1] as string}/${m[2] as string})`)
  }
  const parsed = parseBash(text, acc.maxParseTicks)
  if (!parsed.ok) {
    acc.parseError = true
    acc.ask.add(parsed.reason === 'not_loaded'
      ? 'the bash parser is not loaded (initParsers() was not awaited)'
      : parsed.reason === 'too_costly'
        ? `command too costly to parse (over ${acc.maxParseTicks} parser steps)`
        : 'the bash parser failed on this command')
    return
  }
  const tree = parsed.tree
  try {
    const root = tree.rootNode
    if (root.hasError) {
      acc.parseError = true
      acc.ask.add('bash cannot parse this command as written (syntax error)')
    }
    const home = remote ? undefined : homeOf(cwd) ?? acc.home
    const st: WalkState = {
      cwd, cwdLost: false, oldpwd: undefined, home, vars: new Map(), nodes: 0, maxNodes: MAX_NODES, nest: 0,
      maxNest: MAX_NEST, overflow: false, functions: new Map(), findings: [],
    }
    try {
      walkStatement(root, st, (c) => handleCommand(c, acc, depth))
    } catch (e) {
      if (!(e instanceof WalkAbort) && !(e instanceof RangeError)) throw e
      acc.parseError = true
      acc.ask.add(`command too large or too deeply nested to analyse (over ${MAX_NODES} nodes or ${MAX_NEST} levels)`)
    }
    for (const f of st.findings) acc.deny.add(f)
  } finally {
    tree.delete()
  }
}

// ── the line ────────────────────────────────────────────────────────────────────────────────

function judgeTargets(acc: Acc, top: Op): {
  targetScope: PathScope; targetKind: PathKind; writeScope: PathScope; writeKind: PathKind; broad: boolean; touchesSecret: boolean
} {
  let targetScope: PathScope = PathScope.Workspace
  let targetKind: PathKind = PathKind.Regular
  let writeScope: PathScope = PathScope.Workspace
  let writeKind: PathKind = PathKind.Regular
  let broad = false
  let touchesSecret = false
  for (const { op: o, cwd, cwdLost, dynamic } of acc.ops) {
    for (const t of o.targets) {
      const f = facts(t, cwd, cwdLost, dynamic.has(t) || t === '$XARGS', acc.cwd)
      const broadTarget = f.broad
      if (f.kind === PathKind.Secret || f.kind === PathKind.GuardSecret) touchesSecret = true
      if (o.action === top.action) {
        targetScope = worseScope(targetScope, f.scope)
        targetKind = worseKind(targetKind, f.kind)
      }
      const deletes = o.action === 'file.delete_recursive' || o.action === 'file.delete'
      if (o.writes) {
        writeScope = worseScope(writeScope, f.scope)
        writeKind = worseKind(writeKind, f.kind)
        if (broadTarget && o.action !== 'file.copy') broad = true
        if (f.kind === PathKind.Guard || f.kind === PathKind.GuardSecret) {
          acc.deny.add(`${deletes ? 'deletes' : 'writes'} permit0's or the host's configuration (${f.resolved})`)
        } else if (/\/\.ssh\/authorized_keys2?$|\/etc\/sudoers(\.d\/.*)?$|\/etc\/(passwd|shadow|gshadow|group)$|\/etc\/ld\.so\.preload$|\/etc\/pam\.d\//.test(f.resolved)) {
          acc.deny.add(`${deletes ? 'deletes' : 'writes'} ${f.resolved} (privilege or backdoor)`)
        } else if (f.kind === PathKind.Persistence) {
          acc.ask.add(`writes a startup or persistence file (${f.resolved})`)
        }
        // package.json and the like: their install scripts run on the next install; a shell write
        // (in place, redirected, moved or copied onto it) cannot be read for which key it changes
        const copiedName = /[*?[]/.test(t.slice(t.lastIndexOf('/') + 1)) && ['file.copy', 'file.move', 'file.create'].includes(o.action)
        if (!deletes && !copiedName && isScriptedManifest(f.resolved)) {
          acc.ctx.flags.add('persistence')
          acc.ask.add(`writes a package manifest through the shell (${t}): its install scripts run on the next install, and a shell write cannot be checked for which key it changes`)
        }
        if (isHistoryFile(f.resolved)) acc.ask.add(`${deletes ? 'deletes' : 'rewrites'} a shell history file (${t}): erases the record of what was run`)
      }
      // `mv ~ /tmp/x`, `mv / …`, `mv .git …`, `mv ~/project …`: moving a root away destroys it as surely as deleting it
      if (o.action === 'file.move' && o.targets.length > 1 && o.targets.indexOf(t) < o.targets.length - 1 && f.scope !== PathScope.Unknown &&
        (f.broad || (f.scope === PathScope.System && /^\/[^/]+$/.test(f.resolved)))) {
        acc.deny.add(`moves away ${f.resolved === '/' ? 'the file system root' : f.resolved}`)
      } else if (o.action === 'file.move' && o.targets.length > 1 && o.targets.indexOf(t) < o.targets.length - 1 && f.scope !== PathScope.Unknown &&
        ((f.kind === PathKind.VcsInternal && /\/\.git$/.test(f.resolved)) || (acc.cwd !== undefined && (f.resolved === acc.cwd || acc.cwd.startsWith(`${f.resolved}/`))))) {
        acc.ask.add(`moves away the project or its git history (${t})`)
      }
      if (o.action === 'file.delete_recursive' || (o.action === 'file.delete' && (o.category === 'find'))) {
        const what = f.resolved === '/' ? 'the file system root' : f.resolved
        if (o.category === 'disk') continue
        if (broadTarget || f.scope === PathScope.System) acc.deny.add(`recursive delete of ${what}`)
        else if (f.kind === PathKind.VcsInternal && /\/\.git$/.test(f.resolved)) acc.deny.add(`recursive delete of the git repository (${f.resolved})`)
        else if (f.scope === PathScope.Home && isHomeRoot(f, acc)) acc.deny.add(`recursive delete of ${what}`)
        else if (f.scope === PathScope.Home && /^(\/home\/[^/]+|\/Users\/[^/]+|\/root)\/[^/]+$/.test(f.resolved) && /^\.|^(Documents|Desktop|Downloads|Pictures|Library|src|code|projects|work|dev)$/i.test(f.resolved.split('/').pop() ?? '')) {
          acc.deny.add(`recursive delete of ${what}`)
        } else if (acc.cwd !== undefined && o.filtered !== true && o.category !== 'vcs' && f.scope !== PathScope.Unknown && (f.resolved === acc.cwd || acc.cwd.startsWith(`${f.resolved}/`))) {
          acc.deny.add(`recursive delete of the project itself, its git history included (${t})`)
        } else if (acc.cwd === undefined && o.filtered !== true && o.category !== 'vcs' && /^\.\.?(\/+\.\.?)*\/*$/.test(t)) {
          // no working directory given: `.`/`..` is the project itself or above it, whatever it is
          acc.ask.add(`recursive delete of the working directory or above it (${t}), and the working directory is not known`)
        } else if (acc.cwd !== undefined && /^(\.?\*+|\.\[!.\]\*)$/.test(f.resolved.slice(f.resolved.lastIndexOf('/') + 1)) && f.resolved.slice(0, f.resolved.lastIndexOf('/')) === acc.cwd) {
          acc.ask.add(`recursive delete of every file of the project (${t})`)
        } else if (f.scope !== PathScope.Workspace && f.scope !== PathScope.Temp) acc.ask.add(`recursive delete outside the project (${t})`)
        else if (f.kind === PathKind.Secret) acc.ask.add(`deletes credentials (${t})`)
      } else if (o.action === 'file.delete') {
        if (f.scope === PathScope.System || f.broad) acc.ask.add(`deletes a system file (${t})`)
        else if (f.scope !== PathScope.Workspace && f.scope !== PathScope.Temp) acc.ask.add(`deletes a file outside the project (${t})`)
        else if (f.kind === PathKind.Secret) acc.ask.add(`deletes credentials (${t})`)
      } else if (o.writes && o.action !== 'file.download') {
        if (f.scope === PathScope.System) acc.ask.add(`writes a system file (${t})`)
        else if (f.scope === PathScope.Home || f.scope === PathScope.Outside || f.scope === PathScope.Unknown) {
          if (o.category !== 'vcs') acc.ask.add(`writes outside the project (${t})`)
        }
      }
    }
  }
  return { targetScope, targetKind, writeScope, writeKind, broad, touchesSecret }
}

/** Interpreters by `#!` line and by file extension, with the flag that runs code given inline. */
const SCRIPT_LANGUAGES: readonly { readonly lang: string; readonly ext: RegExp; readonly shebang: RegExp; readonly run: string }[] = [
  { lang: 'shell', ext: /\.(sh|bash|zsh|ksh|dash|command)$/i, shebang: /^#!\s*\S*\b(env\s+)?(ba|z|k|da|)sh\b/, run: '' },
  { lang: 'python', ext: /\.(pyw?|ipynb)$/i, shebang: /^#!\s*\S*\b(env\s+)?python[0-9.]*\b/, run: 'python3 -c' },
  { lang: 'node', ext: /\.(c|m)?js$/i, shebang: /^#!\s*\S*\b(env\s+)?node\b/, run: 'node -e' },
  { lang: 'ruby', ext: /\.rb$/i, shebang: /^#!\s*\S*\b(env\s+)?ruby\b/, run: 'ruby -e' },
  { lang: 'perl', ext: /\.pl$/i, shebang: /^#!\s*\S*\b(env\s+)?perl\b/, run: 'perl -e' },
]
/**
 * A script file is parsed with this many times a command line's step budget (it is judged once,
 * when written); a script still too costly, or longer than MAX_COMMAND_LENGTH, is asked about —
 * never judged by a part of it.
 */
const SCRIPT_PARSE_FACTOR = 40
/** Reasons that only say the text is not a whole program (an edit's fragment), not what it does. */
const PARTIAL_TEXT = /cannot parse|could not be fully analysed|comes from a variable|^runs inline [a-z0-9]+ code$/

/**
 * What a script file would do when run: its language (by `#!` line, else extension) and the reasons
 * the shell analysis of its text gives — shell as a command line, other languages as the
 * interpreter's inline code (`python3 -c`, `node -e`, …); reasons that only reflect a fragment
 * (parse errors of an edit's text) are dropped. Undefined when the file is not a script.
 */
export function judgeScript(path: string, text: string, cwd: string | undefined): { language: string; deny: readonly string[]; ask: readonly string[] } | undefined {
  if (isScriptedManifest(path) && !/[*?[{]/.test(path)) return judgeManifestScripts(text, cwd)
  if (BUILD_FILE.test(path) && text.trim() !== '') return judgeBuildFile(text, cwd)
  const lang = SCRIPT_LANGUAGES.find((l) => l.shebang.test(text.slice(0, 200))) ?? SCRIPT_LANGUAGES.find((l) => l.ext.test(path))
  if (lang === undefined || text.trim() === '') return undefined
  if (/\.ipynb$/i.test(path)) return judgeNotebookCell(text, cwd)
  const facts = analyzeShell(lang.run === '' ? text : `${lang.run} ${quoteWord(text)}`, cwd, { maxParseTicks: MAX_PARSE_TICKS * SCRIPT_PARSE_FACTOR })
  return { language: lang.lang, deny: facts.denyReasons, ask: facts.askReasons.filter((r) => !PARTIAL_TEXT.test(r)) }
}

/** Make and just files: their recipes run as shell command lines on `make`/`just` (everyday, never asked). */
const BUILD_FILE = /(^|\/)(GNUmakefile|[Mm]akefile|[^/]+\.mk|[Jj]ustfile|\.justfile)$/

/**
 * A Makefile's or justfile's recipes (tab- or space-indented lines under a target, `@`/`-`/`+`
 * prefixes dropped, `$$` → `$`): each judged as a shell command line. Make's own `$(VAR)`
 * references read as substitutions, whose "not a literal" reasons are dropped as for fragments.
 */
function judgeBuildFile(text: string, cwd: string | undefined): { language: string; deny: readonly string[]; ask: readonly string[] } {
  const recipes: string[] = []
  for (const line of text.split('\n')) {
    if (!/^(\t| {2,})\S/.test(line)) continue
    recipes.push(line.trim().replace(/^[@+-]+/, '').replace(/\$\$/g, '$'))
  }
  if (recipes.length === 0) return { language: 'make', deny: [], ask: [] }
  const deny: string[] = []
  const ask: string[] = []
  for (const r of recipes.slice(0, 400)) {
    const f = analyzeShell(r, cwd)
    deny.push(...f.denyReasons)
    ask.push(...f.askReasons.filter((x) => !PARTIAL_TEXT.test(x) && !/not a literal|computed at run time|from a variable/.test(x)))
  }
  return { language: 'make', deny: [...new Set(deny)], ask: [...new Set(ask)] }
}

/**
 * A notebook cell (NotebookEdit's `new_source`, or a whole `.ipynb` written): Python, plus IPython's
 * shell escapes, which run as command lines — `!cmd`, `var = !cmd`, `%system`/`%sx`, and cells
 * under `%%bash`/`%%sh`/`%%script sh`.
 */
function judgeNotebookCell(text: string, cwd: string | undefined): { language: string; deny: readonly string[]; ask: readonly string[] } {
  // a whole notebook is JSON: its cell sources are string lines
  const source = text.trimStart().startsWith('{') ? text.replace(/\\n/g, '\n').replace(/\\"/g, '"') : text
  const shell: string[] = []
  const python: string[] = []
  let shellCell = false
  for (const raw of source.split('\n')) {
    const line = raw.replace(/^\s*"|",?\s*$/g, '')
    if (/^\s*%%(bash|sh|script\s+(ba|z)?sh|system)\b/.test(line)) { shellCell = true; continue }
    const esc = /^\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*=\s*)?(?:!!?|%(?:system|sx|sc)\s+)(.*)$/.exec(line)
    if (shellCell) shell.push(line)
    else if (esc !== null) shell.push(esc[1] as string)
    else python.push(raw)
  }
  const budget = { maxParseTicks: MAX_PARSE_TICKS * SCRIPT_PARSE_FACTOR }
  const py = analyzeShell(`python3 -c ${quoteWord(python.join('\n'))}`, cwd, budget)
  const sh = shell.length === 0 ? undefined : analyzeShell(shell.join('\n'), cwd, budget)
  return {
    language: 'python',
    deny: [...py.denyReasons, ...(sh?.denyReasons ?? [])],
    ask: [...py.askReasons, ...(sh?.askReasons ?? [])].filter((r) => !PARTIAL_TEXT.test(r)),
  }
}

/**
 * A package manifest's scripts (package.json `scripts`, composer.json `scripts`): each runs as a
 * shell command line the next time `npm test`, `npm run x`, `composer x` is typed. Whole JSON is
 * read by its `scripts`; an edit's fragment by every `"key": "value"` pair in it.
 */
function judgeManifestScripts(text: string, cwd: string | undefined): { language: string; deny: readonly string[]; ask: readonly string[] } | undefined {
  let lines: string[]
  try {
    const scripts = (JSON.parse(text) as { scripts?: unknown }).scripts
    lines = scripts !== null && typeof scripts === 'object' ? Object.values(scripts).flat().filter((v): v is string => typeof v === 'string') : []
  } catch {
    lines = [...text.matchAll(/"(?:[^"\\]|\\.)*"\s*:\s*("(?:[^"\\]|\\.)*")/g)].flatMap((m) => {
      try {
        return [JSON.parse(m[1] as string) as string]
      } catch {
        return []
      }
    })
  }
  if (lines.length === 0) return undefined
  const deny = new Set<string>()
  const ask = new Set<string>()
  for (const line of lines.slice(0, 200)) {
    const facts = analyzeShell(line, cwd)
    for (const r of facts.denyReasons) deny.add(r)
    for (const r of facts.askReasons) if (!PARTIAL_TEXT.test(r)) ask.add(r)
  }
  return { language: 'package-scripts', deny: [...deny], ask: [...ask] }
}

export function analyzeShell(command: string, cwd?: string, options: { readonly maxParseTicks?: number } = {}): ShellFacts {
  const ctx: Ctx = { hosts: [], packages: [], flags: new Set(), sql: [] }
  const acc: Acc = {
    cwd, home: homeOf(cwd), ctx, ops: [], programs: [], deny: new Set(), ask: new Set(), sudo: false, background: false,
    globs: false, inlineCode: false, remoteCode: false, remoteExec: false, parseError: false, commands: 0,
    secretReads: [], egress: [], downloaded: new Set(), written: new Map(), remotes: new Map(),
    maxParseTicks: options.maxParseTicks ?? MAX_PARSE_TICKS,
  }
  collect(command, cwd, acc, 0, false)
  let top: Op = acc.parseError ? op('process.run', 'unparsed') : { ...op('process.run', 'empty'), rank: 0 }
  for (const { op: o } of acc.ops) if (o.rank > top.rank) top = o
  const actions = [...new Set([...acc.ops].sort((a, b) => b.op.rank - a.op.rank).map((o) => o.op.action))]
  const t = judgeTargets(acc, top)
  const hostFacts = [...new Set(ctx.hosts.filter((h) => h !== ''))].map(classifyHost)
  const secretRead = acc.secretReads.length > 0 || t.touchesSecret && acc.ops.some((o) => !o.op.writes && o.op.targets.length > 0 && o.op.targets.some((x) => {
    const k = facts(x, o.cwd, o.cwdLost, false, acc.cwd).kind
    return k === PathKind.Secret || k === PathKind.GuardSecret
  }))
  const egress = acc.egress.length > 0
  if (acc.secretReads.length > 0) acc.ask.add(`reads credentials (${[...new Set(acc.secretReads)].slice(0, 3).join(', ')})`)
  if (secretRead && egress) {
    const what = acc.secretReads[0] ?? 'a credential file'
    acc.deny.add(`exfiltration: reads ${what} and sends data over the network (${acc.egress[0] ?? 'network'}) on the same line`)
  }
  if (hostFacts.some((h) => h.metadataEndpoint)) acc.deny.add('cloud instance-metadata endpoint (credential theft vector)')
  const secretInCommand = ctx.flags.has('secret_in_command') ||
    (command.length <= MAX_COMMAND_LENGTH && SECRET_PATTERNS.some((re) => re.test(command)))
  if (secretInCommand && egress) acc.ask.add('a credential written in the command line goes over the network')
  const prod = ctx.flags.has('prod') || prodWord(ctx.kubeContext ?? '') ||
    hostFacts.some((h) => prodWord(h.host)) ||
    acc.ops.some(({ op: o }) => o.category === 'kubernetes' || o.category === 'iac' || o.category === 'cloud' || o.category === 'deploy' || o.category === 'database') &&
      /(--(namespace|context|env|environment|stage|profile|project|workspace)[= ]|-n |-e |--prod\b|NODE_ENV=|RAILS_ENV=|APP_ENV=)\S*(prod|production|prd|live)\b/i.test(command)
  if (acc.parseError) acc.ask.add('the command could not be fully analysed')
  const denyReasons = [...acc.deny]
  const askReasons = [...acc.ask].filter((r) => !acc.deny.has(r))
  const readOnly = acc.ops.every(({ op: o }) => o.rank <= (RANK['file.read'] as number) || o.rank === INFO_RANK || (o.action === 'network.get' && !o.writes) || o.action === 'infra.get' || o.action === 'dev.get' || o.action === 'db.select')
  return {
    action: top.action,
    actions,
    category: top.category,
    programs: [...new Set(acc.programs)],
    commands: acc.commands,
    readOnly: readOnly && askReasons.length === 0 && denyReasons.length === 0,
    sudo: acc.sudo,
    recursive: ctx.flags.has('recursive') || actions.includes('file.delete_recursive'),
    force: ctx.flags.has('force'),
    globs: acc.globs || ctx.flags.has('dynamic_targets') || acc.ops.some((o) => o.op.targets.some((x) => /[*?[]/.test(x))),
    broadTarget: t.broad,
    targetScope: t.targetScope,
    targetKind: t.targetKind,
    writeScope: t.writeScope,
    writeKind: t.writeKind,
    touchesSecret: t.touchesSecret || secretRead,
    hosts: hostFacts.map((h) => h.host),
    externalHost: hostFacts.some((h) => !h.private && !h.localhost),
    privateHost: hostFacts.some((h) => h.private),
    metadataEndpoint: hostFacts.some((h) => h.metadataEndpoint),
    pipesToShell: ctx.flags.has('pipes_to_shell'),
    remoteCode: acc.remoteCode,
    inlineCode: acc.inlineCode || ctx.flags.has('inline_code'),
    remoteExec: acc.remoteExec || ctx.flags.has('remote_exec'),
    packageInstall: ctx.flags.has('package_install'),
    packages: [...new Set(ctx.packages)],
    prod,
    kubeContext: ctx.kubeContext ?? '',
    protectedBranch: ctx.flags.has('protected_branch'),
    deviceWrite: ctx.flags.has('device_write'),
    persistence: ctx.flags.has('persistence') || t.writeKind === PathKind.Persistence,
    secretInCommand,
    background: acc.background,
    flags: [...ctx.flags].sort(),
    parseError: acc.parseError,
    deny: denyReasons.length > 0,
    denyReasons,
    ask: askReasons.length > 0,
    askReasons,
    reason: [...denyReasons, ...askReasons].join('; '),
    secretRead,
    egress,
  }
}

export function shellFactsToJson(f: ShellFacts): JsonObject {
  return {
    action: f.action,
    actions: [...f.actions],
    category: f.category,
    programs: [...f.programs],
    commands: f.commands,
    read_only: f.readOnly,
    sudo: f.sudo,
    recursive: f.recursive,
    force: f.force,
    globs: f.globs,
    broad_target: f.broadTarget,
    target_scope: f.targetScope,
    target_kind: f.targetKind,
    write_scope: f.writeScope,
    write_kind: f.writeKind,
    touches_secret: f.touchesSecret,
    hosts: [...f.hosts],
    external_host: f.externalHost,
    private_host: f.privateHost,
    metadata_endpoint: f.metadataEndpoint,
    pipes_to_shell: f.pipesToShell,
    remote_code: f.remoteCode,
    inline_code: f.inlineCode,
    remote_exec: f.remoteExec,
    package_install: f.packageInstall,
    packages: [...f.packages],
    prod: f.prod,
    kube_context: f.kubeContext,
    protected_branch: f.protectedBranch,
    device_write: f.deviceWrite,
    persistence: f.persistence,
    secret_in_command: f.secretInCommand,
    background: f.background,
    flags: [...f.flags],
    parse_error: f.parseError,
    deny: f.deny,
    deny_reasons: [...f.denyReasons],
    ask: f.ask,
    ask_reasons: [...f.askReasons],
    reason: f.reason,
    secret_read: f.secretRead,
    egress: f.egress,
  }
}
