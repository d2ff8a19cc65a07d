import { Command } from 'commander'
import { addStoreOptions, type StoreFlags } from '../../store-options.ts'
import { ExitCode, processIo } from '../pack/io.ts'
import { withStore, type TokenDeps } from './shared.ts'
import type { CliContext } from '../../env.ts'

/** Revokes the active token `name`; a running server rejects it from its next request on. */
export async function runTokenRevoke(name: string, options: StoreFlags, deps: TokenDeps): Promise<number> {
  const { io } = deps
  try {
    const revoked = await withStore(options, deps, (store) => store.tokens.revoke(name, (deps.now ?? Date.now)()))
    if (!revoked) {
      io.stderr(`error: no active API token named ${JSON.stringify(name)} (see \`permit0 token list\`)`)
      return ExitCode.Failure
    }
    io.stderr(`revoked token '${name}'`)
    return ExitCode.Ok
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}`)
    return ExitCode.Failure
  }
}

export function tokenRevokeCommand(ctx: CliContext): Command {
  return addStoreOptions(new Command('revoke').description('Revoke an API token by name').argument('<name>', 'token name'))
    .addHelpText('after', '\nExamples:\n  permit0 token revoke alice --data-dir ~/.permit0/data\n')
    .action(async (name: string, options: StoreFlags) => {
      process.exitCode = await runTokenRevoke(name, options, { io: processIo, env: ctx.env })
    })
}
