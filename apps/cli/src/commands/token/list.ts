import { Command } from 'commander'
import { addStoreOptions, type StoreFlags } from '../../store-options.ts'
import { ExitCode, processIo } from '../pack/io.ts'
import { withStore, type TokenDeps } from './shared.ts'
import type { CliContext } from '../../env.ts'

export interface TokenListOptions extends StoreFlags {
  readonly json?: boolean
}

/** Lists token names, roles and dates (never secrets; only their hashes are stored). */
export async function runTokenList(options: TokenListOptions, deps: TokenDeps): Promise<number> {
  const { io } = deps
  try {
    const tokens = await withStore(options, deps, (store) => store.tokens.list())
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())
    if (options.json) {
      for (const t of tokens) {
        const revokedAt = iso(t.revokedAtMs)
        io.stdout(JSON.stringify({ name: t.name, role: t.role, created_at: iso(t.createdAtMs), ...(revokedAt && { revoked_at: revokedAt }) }))
      }
      return ExitCode.Ok
    }
    if (tokens.length === 0) {
      io.stderr('no API tokens: the server runs without authentication (loopback only)')
      return ExitCode.Ok
    }
    const width = Math.max(4, ...tokens.map((t) => t.name.length))
    io.stdout(`${'NAME'.padEnd(width)}  ROLE      CREATED                   STATUS`)
    for (const t of tokens) {
      const status = t.revokedAtMs === undefined ? 'active' : `revoked ${iso(t.revokedAtMs)}`
      io.stdout(`${t.name.padEnd(width)}  ${t.role.padEnd(8)}  ${iso(t.createdAtMs)}  ${status}`)
    }
    return ExitCode.Ok
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}`)
    return ExitCode.Failure
  }
}

export function tokenListCommand(ctx: CliContext): Command {
  return addStoreOptions(new Command('list').description('List API tokens (names, roles, status; never secrets)'))
    .option('--json', 'one JSON object per token')
    .addHelpText('after', '\nExamples:\n  permit0 token list --data-dir ~/.permit0/data\n  permit0 token list --json\n')
    .action(async (options: TokenListOptions) => {
      process.exitCode = await runTokenList(options, { io: processIo, env: ctx.env })
    })
}
