import { Command } from 'commander'
import { tokenCreateCommand } from './create.ts'
import { tokenListCommand } from './list.ts'
import { tokenRevokeCommand } from './revoke.ts'
import type { CliContext } from '../../env.ts'

/** `permit0 token create|list|revoke`: API tokens with roles, stored hashed in the store. */
export function tokenCommand(ctx: CliContext): Command {
  return new Command('token')
    .description('Manage API tokens (roles: agent, viewer, approver, admin)')
    .addCommand(tokenCreateCommand(ctx))
    .addCommand(tokenListCommand(ctx))
    .addCommand(tokenRevokeCommand(ctx))
    .addHelpText(
      'after',
      '\nExamples:\n  permit0 token create --name alice --role approver\n  permit0 token list\n  permit0 token revoke alice\n',
    )
}
