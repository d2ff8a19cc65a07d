import { Command } from 'commander'
import { dbMigrateCommand } from './migrate.ts'
import { dbStatusCommand } from './status.ts'

/** `permit0 db migrate|status`. */
export function dbCommand(): Command {
  return new Command('db')
    .description('Store maintenance: migrations and status')
    .addCommand(dbMigrateCommand())
    .addCommand(dbStatusCommand())
    .addHelpText('after', '\nExamples:\n  permit0 db migrate\n  permit0 db status --data-dir ~/.permit0/data\n')
}
