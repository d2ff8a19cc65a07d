import { Command } from 'commander'
import { addStoreOptions, type StoreFlags } from '../../store-options.ts'
import { ExitCode, processIo } from '../pack/io.ts'
import { TokenNameSchema, TokenRoleSchema, withStore, type TokenDeps } from './shared.ts'
import type { CliContext } from '../../env.ts'

export interface TokenCreateOptions extends StoreFlags {
  readonly name?: string
  readonly role?: string
}

/**
 * Creates an API token and prints its secret once, alone on its line (stdout); everything else
 * goes to stderr, so `SECRET=$(permit0 token create …)` captures just the secret.
 */
export async function runTokenCreate(options: TokenCreateOptions, deps: TokenDeps): Promise<number> {
  const { io } = deps
  const name = TokenNameSchema.safeParse(options.name ?? '')
  const role = TokenRoleSchema.safeParse(options.role ?? '')
  if (!name.success || !role.success) {
    if (!name.success) io.stderr(`error: --name ${JSON.stringify(options.name ?? '')}: ${name.error.issues[0]?.message}`)
    if (!role.success) io.stderr(`error: --role ${JSON.stringify(options.role ?? '')}: ${role.error.issues[0]?.message}`)
    return ExitCode.Usage
  }
  try {
    const { token, secret } = await withStore(options, deps, (store) =>
      store.tokens.create({ name: name.data, role: role.data, nowMs: (deps.now ?? Date.now)() }),
    )
    io.stderr(`created ${token.role} token '${token.name}'; its secret is shown once, store it now:`)
    io.stdout(secret)
    return ExitCode.Ok
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}`)
    return ExitCode.Failure
  }
}

export function tokenCreateCommand(ctx: CliContext): Command {
  return addStoreOptions(
    new Command('create')
      .description('Create an API token (agent, viewer, approver or admin) and print its secret once')
      .option('--name <name>', 'unique token name, recorded as the reviewer on decisions (required)')
      .option('--role <role>', 'agent (check only), viewer (read), approver (read + decide) or admin (everything) (required)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  permit0 token create --name alice --role approver --data-dir ~/.permit0/data\n' +
        '  AGENT_TOKEN=$(permit0 token create --name claude-code --role agent --database-url postgres://db/permit0)\n',
    )
    .action(async (options: TokenCreateOptions) => {
      process.exitCode = await runTokenCreate(options, { io: processIo, env: ctx.env })
    })
}
