/**
 * `permit0 mcp --name <server> -- <command…>` / `--upstream <url>`: permit0 as the MCP server a
 * client launches, in front of the real one. Every `tools/call` is decided first (in-process from
 * the packs, or by a daemon with `--remote`); see docs/mcp.md. `permit0 mcp install` wraps the
 * server entries of client configurations.
 */
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import { Command, Option } from 'commander'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JsonObject } from '@permit0/engine'
import { ulid } from 'ulid'
import { z } from 'zod'
import { buildEngine, withEngineOptions, type EngineCliOptions } from '../engine-factory.ts'
import { childProcessEnv, type CliContext, type CliEnv } from '../env.ts'
import { createGate, DEFAULT_BUDGET_MS, type GateBackend } from '../mcp/gate.ts'
import { mcpInstallCommand } from '../mcp/install-command.ts'
import { createLocalBackend } from '../mcp/local-backend.ts'
import { createMcpProxy } from '../mcp/proxy.ts'
import { createRemoteBackend } from '../mcp/remote-backend.ts'
import { createStoreLease } from '../mcp/store-lease.ts'
import { addStoreOptions, openStore, readStoreFileSettings, resolveDataDir, type StoreFlags } from '../store-options.ts'
import { ExitCode } from './pack/io.ts'

export interface McpCommandOptions extends EngineCliOptions, StoreFlags {
  readonly name?: string
  readonly upstream?: string
  readonly remote?: string
  readonly budget?: string
  readonly approvalTtl?: string
  readonly cwd?: string
}

/** Server names as client configs spell them (`mcpServers` keys). */
export const ServerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')

const SecondsSchema = (flag: string, max: number) =>
  z.coerce.number({ error: `${flag} must be a number of seconds` }).positive(`${flag} must be positive`).max(max, `${flag} must be at most ${max}`)

/** In-process mode opens the local store this long after start unless a tool call needs it first. */
const STORE_OPEN_DELAY_MS = 2_000

/** Default lifetime of a parked approval: a human has this long to decide; a retry then gets it. */
export const DEFAULT_APPROVAL_TTL_SECS = 600

export interface McpRunDeps {
  readonly env: CliEnv
  readonly cwd?: string
  readonly stderr: (text: string) => void
  /** The client side; default stdio of this process. */
  readonly clientTransport?: () => Transport
}

/** The `metadata.cwd` the path rules judge against: `--cwd`, else ours unless it is `/` or home. */
function pathContext(flag: string | undefined, cwd: string, home: string): string | undefined {
  if (flag !== undefined && flag !== '') return resolve(cwd, flag)
  return cwd === '/' || resolve(cwd) === resolve(home) ? undefined : cwd
}

export async function runMcp(command: readonly string[], options: McpCommandOptions, deps: McpRunDeps): Promise<number> {
  const say = (line: string): void => deps.stderr(line.endsWith('\n') ? line : `${line}\n`)
  const cwd = deps.cwd ?? process.cwd()
  const name = ServerNameSchema.safeParse(options.name ?? '')
  if (!name.success) {
    say(`error: --name ${JSON.stringify(options.name ?? '')}: ${name.error.issues[0]?.message}`)
    return ExitCode.Usage
  }
  const hasUpstream = options.upstream !== undefined && options.upstream !== ''
  if (hasUpstream === command.length > 0) {
    say('error: give the real server either as `-- <command> [args…]` (stdio) or as `--upstream <url>` (streamable HTTP), not both')
    return ExitCode.Usage
  }
  const budget = SecondsSchema('--budget', 3_600).safeParse(options.budget ?? DEFAULT_BUDGET_MS / 1000)
  const ttl = SecondsSchema('--approval-ttl', 86_400).safeParse(options.approvalTtl ?? DEFAULT_APPROVAL_TTL_SECS)
  if (!budget.success || !ttl.success) {
    say(`error: ${(budget.error ?? ttl.error)?.issues[0]?.message}`)
    return ExitCode.Usage
  }
  let upstreamUrl: URL | undefined
  if (hasUpstream) {
    try {
      upstreamUrl = new URL(options.upstream as string)
      if (!/^https?:$/.test(upstreamUrl.protocol)) throw new Error('not http(s)')
    } catch {
      say(`error: --upstream ${JSON.stringify(options.upstream)}: expected an http(s) URL of a streamable-HTTP MCP server`)
      return ExitCode.Usage
    }
  }
  const budgetMs = Math.round(budget.data * 1000)
  const approvalTtlMs = Math.max(budgetMs, Math.round(ttl.data * 1000))
  const server = name.data
  const home = deps.env.HOME ?? homedir()

  let backend: GateBackend
  try {
    if (options.remote !== undefined && options.remote !== '') {
      backend = createRemoteBackend({
        baseUrl: options.remote,
        approvalTtlMs,
        ...(deps.env.PERMIT0_TOKEN !== undefined && { token: deps.env.PERMIT0_TOKEN }),
      })
    } else {
      const built = buildEngine(options, {
        cwd,
        ...(deps.env.PERMIT0_PACKS_DIR === undefined ? {} : { packsDirEnv: deps.env.PERMIT0_PACKS_DIR }),
      })
      for (const w of built.warnings) say(w)
      const storeEnv = { env: deps.env, cwd, homeDir: home, file: readStoreFileSettings({}, { env: deps.env, cwd, homeDir: home }) }
      const lease = createStoreLease({
        open: () =>
          openStore(options, {
            ...storeEnv,
            onKeyCreated: ({ path, publicKey }) => say(`permit0 mcp: created audit signing key ${path} (public key ${publicKey})`),
          }),
      })
      const where =
        options.databaseUrl !== undefined || deps.env.PERMIT0_DATABASE_URL !== undefined
          ? ' (with the same --database-url)'
          : ` --data-dir ${resolveDataDir(options, storeEnv)}`
      const local = createLocalBackend({
        built,
        lease,
        approvalTtlMs,
        startWaitMs: budgetMs,
        replicaId: `mcp-${server}-${process.pid}`,
        decideCommand: (id) => `permit0 approvals decide ${id} allow|deny${where}`,
        ...(options.orgDomain !== undefined && { orgDomain: options.orgDomain }),
        onError: (err, context) => say(`permit0 mcp: ${context}: ${(err as Error).message}`),
      })
      // Opened on the first tool call or shortly after start, whichever comes first: PGlite's
      // WASM work runs on this thread, and the client's handshake must not wait behind it.
      const open = (): void =>
        void local.start().then(
          () => say(`permit0 mcp: guarding '${server}' in-process; local store ready`),
          (err: unknown) => say(`permit0 mcp: the local store cannot be opened; every tool call is refused: ${(err as Error).message}`),
        )
      setTimeout(open, STORE_OPEN_DELAY_MS).unref()
      backend = local
    }
  } catch (err) {
    say(`error: ${(err as Error).message}`)
    return ExitCode.Usage
  }

  const contextCwd = pathContext(options.cwd, cwd, home)
  const metadata: JsonObject = {
    client: 'permit0-mcp',
    session_id: `mcp-${server}-${ulid()}`,
    ...(contextCwd !== undefined && { cwd: contextCwd }),
  }
  const gate = createGate({ backend, budgetMs, metadata, ...(options.orgDomain !== undefined && { orgDomain: options.orgDomain }) })

  const [executable, ...args] = command
  const upstream: Transport =
    upstreamUrl !== undefined
      ? new StreamableHTTPClientTransport(upstreamUrl)
      : new StdioClientTransport({ command: executable as string, args, env: childProcessEnv(), stderr: 'inherit', cwd })
  let client: Transport
  if (deps.clientTransport !== undefined) client = deps.clientTransport()
  else {
    const stdio = new StdioServerTransport(process.stdin, process.stdout)
    // The stdio transport does not notice the client going away; end of input is exactly that.
    // Clients stop a server with end of input, then SIGTERM: both shut down in order (parked
    // approvals abandoned, queued audit entries written, the real server stopped).
    const stop = (): void => void stdio.close()
    process.stdin.once('end', stop)
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
    client = stdio
  }
  const proxy = createMcpProxy({ client, upstream, gate, server, log: say })
  try {
    await proxy.start()
  } catch (err) {
    say(`error: cannot start MCP server '${server}': ${(err as Error).message}`)
    await gate.close('startup failed').catch(() => undefined)
    return ExitCode.Failure
  }
  return proxy.done
}

export function mcpCommand(ctx: CliContext): Command {
  const cmd = new Command('mcp')
    .description('Guard an MCP server: permit0 decides every tools/call before the real server sees it')
    .argument('[command...]', 'the real MCP server (stdio), after --')
    .option('--name <server>', 'the server name, as the client config calls it (required)')
    .option('--upstream <url>', 'a streamable-HTTP MCP server instead of a command')
    .option('--remote <url>', 'decide on a permit0 daemon (token: PERMIT0_TOKEN) instead of in-process')
    .option('--budget <secs>', `how long a call waits for a human before a fail-closed refusal (default ${DEFAULT_BUDGET_MS / 1000}, below the client's 60 s timeout)`)
    .option('--approval-ttl <secs>', `how long a parked approval stays decidable (default ${DEFAULT_APPROVAL_TTL_SECS})`)
    .addOption(new Option('--cwd <dir>', 'the project directory path rules judge against (default: the current directory unless / or home)'))
  withEngineOptions(cmd)
  addStoreOptions(cmd, { config: false }) // `mcp install` has a --config of its own
  cmd
    .addCommand(mcpInstallCommand(ctx))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  permit0 mcp --name filesystem -- npx -y @modelcontextprotocol/server-filesystem ~/project\n' +
        '  permit0 mcp --name github --remote http://127.0.0.1:8787 -- github-mcp-server stdio\n' +
        '  permit0 mcp --name docs --upstream https://mcp.example.com/mcp\n' +
        '  permit0 mcp install --client claude-desktop --write\n',
    )
    .action(async (command: string[], opts: McpCommandOptions) => {
      process.exitCode = await runMcp(command, opts, { env: ctx.env, stderr: (t) => process.stderr.write(t) })
    })
  return cmd
}
