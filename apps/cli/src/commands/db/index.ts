import { Command } from 'commander'
import { dbMigrateCommand } from './migrate.ts'
import { dbStatusCommand } from './status.ts'
import type { CliContext } from '../../env.ts'

/** `permit0 db migrate|status`. */
export function dbCommand(ctx: CliContext): Command {
  return new Command('db')
    .description('Store maintenance: migrations and status')
    .addCommand(dbMigrateCommand(ctx))
    .addCommand(dbStatusCommand(ctx))
    .addHelpText('after', '\nExamples:\n  permit0 db migrate\n  permit0 db status --data-dir ~/.permit0/data\n')
}
