/** `permit0 mcp install`: show (default) or write (`--write`) the wrapped client configurations. */
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import { Command } from 'commander'
import type { CliContext, CliEnv } from '../env.ts'
import { ExitCode, type CommandIo, processIo } from '../commands/pack/io.ts'
import { clientConfigPaths, MCP_CLIENTS, McpInstallError, readClientConfig, wrapServers, writeClientConfig, type McpClient } from './install.ts'

export interface McpInstallOptions {
  readonly client?: string
  readonly config?: string
  readonly server?: string[]
  readonly write?: boolean
  readonly permit0?: string
}

export interface McpInstallDeps {
  readonly env: CliEnv
  readonly io: CommandIo
  readonly cwd?: string
  readonly platform?: NodeJS.Platform
}

export function runMcpInstall(options: McpInstallOptions, deps: McpInstallDeps): number {
  const { io } = deps
  const cwd = deps.cwd ?? process.cwd()
  if (options.client !== undefined && !MCP_CLIENTS.includes(options.client as McpClient)) {
    io.stderr(`error: --client ${JSON.stringify(options.client)}: expected one of ${MCP_CLIENTS.join(', ')}`)
    return ExitCode.Usage
  }
  const permit0 = (options.permit0 ?? 'permit0').trim().split(/\s+/).filter((w) => w !== '')
  if (permit0.length === 0) {
    io.stderr('error: --permit0 must name the command that runs permit0')
    return ExitCode.Usage
  }
  const home = deps.env.HOME ?? homedir()
  const files =
    options.config !== undefined
      ? [resolve(cwd, options.config)]
      : (options.client !== undefined ? [options.client as McpClient] : MCP_CLIENTS).flatMap((client) =>
          clientConfigPaths(client, { home, cwd, platform: deps.platform ?? process.platform }),
        )
  let found = 0
  let failed = false
  for (const file of files) {
    let result
    try {
      const config = readClientConfig(file)
      if (config === undefined) {
        if (options.config !== undefined) {
          io.stderr(`error: ${file}: no such file`)
          failed = true
        }
        continue
      }
      found += 1
      result = wrapServers(config, { permit0, ...(options.server !== undefined && { servers: options.server }) })
    } catch (err) {
      io.stderr(`error: ${err instanceof McpInstallError ? err.message : `${file}: ${(err as Error).message}`}`)
      failed = true
      continue
    }
    const wrapped = result.changes.filter((c) => c.status === 'wrapped')
    io.stderr(`${file}:`)
    if (result.changes.length === 0) io.stderr('  no mcpServers entries')
    for (const change of result.changes) {
      io.stderr(change.status === 'wrapped' ? `  ${change.name}: wrap → ${change.after.join(' ')}` : `  ${change.name}: ${change.status} (${change.note})`)
    }
    if (wrapped.length === 0) continue
    if (options.write === true) {
      try {
        writeClientConfig(file, result.config)
        io.stderr(`  wrote ${wrapped.length} wrapped entr${wrapped.length === 1 ? 'y' : 'ies'}; restart the client to apply`)
      } catch (err) {
        io.stderr(`error: ${file}: cannot write: ${(err as Error).message}`)
        failed = true
      }
    } else {
      io.stdout(JSON.stringify({ mcpServers: (result.config as { mcpServers: unknown }).mcpServers }, null, 2))
    }
  }
  if (found === 0 && !failed) io.stderr(`no MCP client configuration found (looked at ${files.join(', ')}); use --config <file>`)
  if (options.write !== true && found > 0) io.stderr('(dry run: nothing written; add --write to merge this into the file)')
  return failed ? ExitCode.Failure : ExitCode.Ok
}

export function mcpInstallCommand(ctx: CliContext): Command {
  return new Command('install')
    .description("Wrap MCP servers in client configs (Claude Code, Claude Desktop, Cursor) with `permit0 mcp`; dry run unless --write")
    .option('--client <client>', `only this client: ${MCP_CLIENTS.join(', ')}`)
    .option('--config <file>', 'a configuration file to wrap instead of the clients\' default locations')
    .option('--server <name...>', 'only these server entries (default: every stdio entry)')
    .option('--permit0 <command>', 'how the client should start permit0 (default: permit0 on PATH)')
    .option('--write', 'merge the wrapped entries into the file (atomic; other keys are kept)')
    .addHelpText(
      'after',
      '\nExamples:\n  permit0 mcp install                      # show what would change\n' +
        '  permit0 mcp install --client cursor --write\n  permit0 mcp install --config ./.mcp.json --server filesystem --write\n',
    )
    .action((opts: McpInstallOptions) => {
      process.exitCode = runMcpInstall(opts, { env: ctx.env, io: processIo })
    })
}
