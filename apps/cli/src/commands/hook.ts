import type * as ChildProcess from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import {
  HOOK_TIMEOUT_SECS,
  type HookConfig,
  type HookFlags,
  effectiveWaitSecs,
  resolveHookConfig,
} from '../hook/config.ts'
import {
  type HookOutcome,
  applyShadow,
  applyUnknownPolicy,
  isUnknownAction,
  toEnvelope,
} from '../hook/envelope.ts'
import {
  type HookRegistration,
  buildHttpRegistration,
  buildRegistration,
  isOlderThan,
  mergeIntoSettings,
  ON_FAILURE_MIN_VERSION,
} from '../hook/install.ts'
import { MAX_HOOK_INPUT_BYTES, hookMetadata, mayCarrySql, parseHookInput } from '../hook/input.ts'
import { readStdin } from '../stdin.ts'
import { type LocalEngine, evaluateLocal } from '../hook/local.ts'
import { createFileSessionStore } from '../hook/session-file.ts'
import { migrateLegacyHookSessions } from '../data-dir.ts'
import { type LoadHookEngineOptions, loadHookEngine } from '../hook/load-engine.ts'
import type { CliContext } from '../env.ts'
import { builtCliEntry } from '../package-root.ts'
import { parseYamlValue as parseYaml } from '../yaml-value.ts'

export interface HookOptions extends HookFlags {
  readonly profile?: string
  readonly packsDir?: string
  readonly sessionId?: string
  /** Directory of the local-mode session files; default `~/.permit0`. */
  readonly dataDir?: string
  /** Disable local-mode session history. */
  readonly session?: boolean
  /** The timeout (seconds) the host runs the hook under; remote waits stay below it. */
  readonly timeout?: number
}

export interface HookDeps {
  readonly readStdin: () => Promise<string>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly homeDir: string
  readonly nowMs: () => number
  /** Parent process id: the fallback session id (`ppid-<n>`). */
  readonly ppid: number
  readonly readFile: (path: string) => string | undefined
  readonly loadEngine: (options: LoadHookEngineOptions) => Promise<LocalEngine>
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>
  /** Time allowed beyond the daemon wait for the HTTP exchange; default 10 s. */
  readonly deadlineSlackMs?: number
  /** Time this hook process has run so far (spent out of the host's timeout); default 0. */
  readonly elapsedMs?: () => number
}

/**
 * One PreToolUse decision: reads the hook JSON, answers exactly one JSON line on stdout and
 * returns the exit code (0 answered; 2 invalid input or configuration, which blocks the call).
 */
export async function runHook(options: HookOptions, deps: HookDeps): Promise<number> {
  const input = parseHookInput(await deps.readStdin())
  if (!input.ok) {
    deps.stderr(`permit0 hook: ${input.message}\n`)
    return 2
  }
  const resolved = resolveHookConfig({
    flags: options,
    env: deps.env,
    homeDir: deps.homeDir,
    readFile: deps.readFile,
    parseYaml,
  })
  if (!resolved.ok) {
    deps.stderr(`permit0 hook: ${resolved.message}\n`)
    return 2
  }
  const config = resolved.value
  for (const note of config.notes) deps.stderr(`${note}\n`)
  const hookTimeout = options.timeout ?? HOOK_TIMEOUT_SECS
  const call = {
    toolName: input.value.tool_name,
    parameters: input.value.tool_input,
    metadata: hookMetadata(input.value),
  }

  let outcome: HookOutcome
  let isUnknown = false
  if (config.remote !== undefined) {
    if (options.sessionId !== undefined || options.dataDir !== undefined) {
      deps.stderr('permit0 hook: --session-id/--data-dir are ignored in remote mode (the daemon keeps sessions, by the host session_id)\n')
    }
    const waitSecs = effectiveWaitSecs(config.hitlTimeoutSecs, hookTimeout)
    const { evaluateRemote } = await import('../hook/remote.ts')
    outcome = await evaluateRemote(call, {
      config,
      waitSecs,
      deadlineMs: waitSecs * 1000 + (deps.deadlineSlackMs ?? 10_000),
      hostDeadlineSecs: hookTimeout - (deps.elapsedMs?.() ?? 0) / 1_000,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    })
    isUnknown = outcome.action !== undefined && isUnknownAction(outcome.action)
  } else {
    ;({ outcome, isUnknown } = await runLocal(call, options, config, deps, input.value.session_id))
  }

  outcome = applyUnknownPolicy(outcome, isUnknown, config.unknown)
  const shadowed = applyShadow(outcome, config.shadow, config.remote !== undefined)
  if (shadowed.log) deps.stderr(`${shadowed.log}\n`)
  deps.stdout(`${JSON.stringify(toEnvelope(shadowed.outcome))}\n`)
  return 0
}

async function runLocal(
  call: Parameters<typeof evaluateLocal>[0],
  options: HookOptions,
  config: HookConfig,
  deps: HookDeps,
  hostSessionId: string | undefined,
): Promise<{ outcome: HookOutcome; isUnknown: boolean }> {
  const nowMs = deps.nowMs()
  const dataDir = config.dataDir
  migrateLegacyHookSessions(dataDir, deps.homeDir)
  let engine: LocalEngine
  try {
    engine = await deps.loadEngine({
      ...(config.packsDir !== undefined ? { packsDir: config.packsDir } : {}),
      ...(config.profile !== undefined ? { profile: config.profile } : {}),
      orgDomain: config.orgDomain,
      cacheDir: join(dataDir, 'cache'),
      sql: mayCarrySql(call.toolName, call.parameters),
    })
  } catch (err) {
    return {
      outcome: { decision: 'deny', reason: `permit0: local engine failed to load: ${(err as Error).message}`, failSafe: true },
      isUnknown: false,
    }
  }
  // Sessions: the host's session id (or --session-id, CLAUDE_SESSION_ID, the parent pid) names
  // a JSON-lines file under <data dir>/hook-sessions/ (the session store's file adapter).
  const withSession = options.session !== false
  const sessionId = options.sessionId ?? nonEmpty(hostSessionId) ?? nonEmpty(deps.env.CLAUDE_SESSION_ID) ?? `ppid-${deps.ppid}`
  const metadata = { ...call.metadata }
  if (withSession) metadata.session_id = sessionId
  else delete metadata.session_id
  try {
    const { outcome, isUnknown } = await evaluateLocal(
      { ...call, metadata },
      {
        engine,
        client: config.client,
        orgDomain: config.orgDomain,
        nowMs,
        ...(withSession && { sessions: createFileSessionStore(dataDir) }),
      },
    )
    return { outcome, isUnknown }
  } catch (err) {
    return {
      outcome: { decision: 'deny', reason: `permit0: local evaluation failed: ${(err as Error).message}`, failSafe: true },
      isUnknown: false,
    }
  }
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v)

export interface HookInstallOptions {
  readonly write?: boolean
  readonly settings?: string
  /** With `--remote`: write the command form (`node … hook --remote URL`) instead of the http form. */
  readonly command?: boolean
  /** The command that runs the hook (default: this node and this permit0's built entry). */
  readonly hookCommand?: string
  readonly matcher: string
  readonly timeout: number
  readonly remote?: string
  readonly packsDir?: string
}

export interface HookInstallDeps {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly homeDir: string
  readonly readFile: (path: string) => string | undefined
  readonly writeFile: (path: string, text: string) => void
  /** Absolute node + absolute built entry of this permit0 (`/usr/bin/node /…/dist/bin.js`). */
  readonly defaultCommand: string
  /** Why the default command may not start (its entry missing), if so. */
  readonly defaultCommandProblem?: string
  /** `claude --version` output, or undefined when Claude Code is not on PATH. */
  readonly claudeVersion: () => string | undefined
}

/** The hook option that tells the hook the timeout the host runs it under (it keeps daemon waits below). */
export const HOST_TIMEOUT_FLAG = '--timeout'

/**
 * Prints the PreToolUse registration, or merges it into Claude Code's settings with `--write`.
 * `--remote URL` registers Claude Code's http hook against the daemon (`--command` keeps the
 * command form); otherwise the command form runs this permit0 in local mode. Both carry
 * `onFailure: "block"` and the explicit timeout.
 */
export function runHookInstall(options: HookInstallOptions, deps: HookInstallDeps): number {
  if (!Number.isInteger(options.timeout) || options.timeout < 30) {
    deps.stderr('permit0 hook install: --timeout must be an integer number of seconds ≥ 30\n')
    return 2
  }
  const http = options.remote !== undefined && options.command !== true && options.hookCommand === undefined
  if (http && options.packsDir !== undefined) {
    deps.stderr('permit0 hook install: --packs-dir is for the local command hook; the daemon behind --remote has its own packs\n')
    return 2
  }
  let registration: HookRegistration
  if (http) {
    registration = buildHttpRegistration(options.remote as string, options.timeout, options.matcher)
  } else {
    if (options.hookCommand === undefined && deps.defaultCommandProblem !== undefined) {
      deps.stderr(`permit0 hook install: warning: ${deps.defaultCommandProblem}\n`)
    }
    const parts = [`${options.hookCommand ?? deps.defaultCommand} hook`]
    if (options.remote) parts.push('--remote', shellQuote(options.remote))
    if (options.packsDir) parts.push('--packs-dir', shellQuote(resolve(options.packsDir)))
    parts.push(HOST_TIMEOUT_FLAG, String(options.timeout))
    registration = buildRegistration(parts.join(' '), options.timeout, options.matcher)
  }
  warnOnOldHost(deps)
  if (!options.write) {
    deps.stdout(`${JSON.stringify({ hooks: { PreToolUse: [registration] } }, null, 2)}\n`)
    return 0
  }
  const path = options.settings ?? join(deps.homeDir, '.claude', 'settings.json')
  const merged = mergeIntoSettings(deps.readFile(path), registration)
  if (!merged.ok) {
    deps.stderr(`permit0 hook install: ${path}: ${merged.message}\n`)
    return 1
  }
  deps.writeFile(path, merged.value)
  deps.stderr(
    `permit0 hook install: registered the PreToolUse ${http ? 'http' : 'command'} hook in ${path} (timeout ${options.timeout}s, onFailure block)\n`,
  )
  return 0
}

/** Claude Code before 2.1.295 ignores `onFailure`: say that a failing or timed-out hook lets the call run there. */
function warnOnOldHost(deps: Pick<HookInstallDeps, 'claudeVersion' | 'stderr'>): void {
  const text = deps.claudeVersion()
  if (text === undefined) return
  const older = isOlderThan(text, ON_FAILURE_MIN_VERSION)
  if (older === true || older === undefined) {
    deps.stderr(
      `permit0 hook install: warning: Claude Code ${text.trim() || '(unknown version)'} is older than ${ON_FAILURE_MIN_VERSION} ` +
        '(or its version is unreadable): it ignores onFailure "block", so a hook that times out or cannot start lets the tool call run there. Update Claude Code.\n',
    )
  }
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

function readFileOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

function atomicWrite(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, text)
  renameSync(tmp, path)
}

/**
 * The hook command `hook install` writes: the absolute node running now and the absolute built
 * entry of this permit0 (no tsx, no pnpm, no PATH lookup), so it cannot fail to start because
 * of the shell's environment.
 */
function permit0Command(): { command: string; problem?: string } {
  const entry = builtCliEntry()
  const command = `${shellQuote(process.execPath)} ${shellQuote(entry)}`
  return existsSync(entry) ? { command } : { command, problem: `${entry} does not exist yet (run \`pnpm build\`); the hook cannot start until it does` }
}

/** `claude --version`, or undefined when Claude Code is not on PATH (or does not answer in 10 s). */
function claudeVersion(): string | undefined {
  // Loaded here: `node:child_process` (and `node:net` under it) is start-up every hook call would pay.
  const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof ChildProcess
  try {
    return execFileSync('claude', ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return undefined
  }
}

const parseSecs = (v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer number of seconds, got '${v}'`)
  return n
}

export function hookCommand(ctx: CliContext): Command {
  const hook = new Command('hook')
    .description('Claude Code PreToolUse hook: read the hook JSON on stdin, print one decision JSON line')
    .option('--remote <url>', 'delegate to a permit0 daemon (env PERMIT0_REMOTE, config `remote`)')
    .option('--packs-dir <dir>', 'local mode: packs root used alone (default: shipped packs + ~/.permit0/packs + a trusted ./packs)')
    .option('--profile <name>', 'local mode: scoring profile (env PERMIT0_PROFILE, config `profile`)')
    .option('--org-domain <domain>', 'your organisation domain (env PERMIT0_ORG_DOMAIN, config `org_domain`; default default.org)')
    .option('--unknown <mode>', 'calls no pack classifies: ask | allow | deny | bypass (default bypass)')
    .option('--client <kind>', 'tool-name prefix stripping: claude-code | claude-desktop | openclaw | raw')
    .option('--shadow', 'log the would-be decision to stderr and always allow (env PERMIT0_SHADOW)')
    .option('--config <path>', 'config file, settings under `hook:` (env PERMIT0_CONFIG_FILE; default ~/.permit0/permit0.yaml)')
    .option('--session-id <id>', 'local mode: session id (default: the host session_id, CLAUDE_SESSION_ID, ppid)')
    .option('--data-dir <dir>', 'local mode: the data dir holding session history and the pack cache (default PERMIT0_DATA_DIR or ~/.permit0/data, as for serve)')
    .option('--no-session', 'local mode: no cross-invocation session history')
    .addOption(
      new Option('--timeout <secs>', "the host's hook timeout (Claude Code's `timeout`); the daemon answers ≥5 s before it")
        .argParser(parseSecs)
        .default(HOOK_TIMEOUT_SECS),
    )
    .addHelpText(
      'after',
      `
Settings: flag > PERMIT0_* > the hook: section and the shared keys of ~/.permit0/permit0.yaml
(docs/configuration.md) > defaults.

Answers (one JSON line, exit 0): allow, deny (with the reason Claude reads), ask (with a reason),
or no opinion for unclassified calls under --unknown bypass. Invalid stdin or config → exit 2.
Remote mode answers deny when the daemon errs or does not answer in time, ask when unreachable.

Examples:
  echo '{"tool_name":"Bash","tool_input":{"command":"ls"}}' | permit0 hook
  permit0 hook --remote http://127.0.0.1:9090 < event.json
  permit0 hook install --write`,
    )
    .action(async (opts: HookOptions) => {
      process.exitCode = await runHook(opts, {
        readStdin: () => readStdin(MAX_HOOK_INPUT_BYTES),
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        env: ctx.env,
        homeDir: ctx.env.HOME || homedir(),
        nowMs: Date.now,
        elapsedMs: () => process.uptime() * 1_000,
        ppid: process.ppid,
        readFile: readFileOrUndefined,
        loadEngine: (o) =>
          loadHookEngine(o, {
            ...(ctx.env.PERMIT0_PACKS_DIR ? { packsDirEnv: ctx.env.PERMIT0_PACKS_DIR } : {}),
            ...(ctx.env.HOME ? { home: ctx.env.HOME } : {}),
            onNote: (note) => process.stderr.write(`permit0 hook: ${note}\n`),
          }),
      })
    })

  hook
    .command('install')
    .description('print (or with --write, merge into ~/.claude/settings.json) the PreToolUse hook registration')
    .option('--write', 'merge into the settings file instead of printing')
    .option('--settings <path>', 'settings file (default $HOME/.claude/settings.json)')
    .option('--command', 'with --remote: register the command hook (node … hook --remote URL) instead of the http hook')
    .option('--hook-command <cmd>', 'command that runs the hook (default: this node and this permit0\'s built dist/bin.js)')
    .option('--matcher <regex>', 'tools to gate (Claude Code matcher)', '*')
    .addOption(new Option('--timeout <secs>', `hook timeout written to the registration (default ${HOOK_TIMEOUT_SECS})`).argParser(parseSecs))
    .option('--remote <url>', 'register Claude Code\'s http hook against this daemon (POST /api/v1/hooks/claude-code)')
    .option('--packs-dir <dir>', 'register the hook in local mode with this packs directory')
    .addHelpText(
      'after',
      `
Examples:
  permit0 hook install                                          # print the local command hook
  permit0 hook install --write --remote http://127.0.0.1:9090   # the http hook against a daemon
  permit0 hook install --write --remote http://127.0.0.1:9090 --command   # the command form

Every entry carries onFailure "block" (Claude Code >= ${ON_FAILURE_MIN_VERSION}): a hook that cannot start or
times out blocks the call. The http hook sends $${'PERMIT0_TOKEN'} as its bearer token.`,
    )
    .action((_opts: unknown, cmd: Command) => {
      // `hook` shares some option names, and commander hands them to the parent: merge both levels.
      const opts = cmd.optsWithGlobals<HookInstallOptions & { timeout?: number }>()
      process.exitCode = runHookInstall({ ...opts, timeout: opts.timeout ?? HOOK_TIMEOUT_SECS }, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        homeDir: ctx.env.HOME || homedir(),
        readFile: readFileOrUndefined,
        writeFile: atomicWrite,
        ...(({ command, problem }) => ({ defaultCommand: command, ...(problem ? { defaultCommandProblem: problem } : {}) }))(permit0Command()),
        claudeVersion,
      })
    })
  return hook
}
