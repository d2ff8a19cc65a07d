import { Command } from 'commander'
import { processIo, type CommandIo } from './io.ts'
import { packLockCommand } from './lock.ts'
import { packNewCommand } from './new.ts'
import { packTestCommand } from './test.ts'
import { packValidateCommand } from './validate.ts'
import type { CliContext } from '../../env.ts'

/** `permit0 pack validate|test|new|lock`. */
export function packCommand(ctx: CliContext, io: CommandIo = processIo): Command {
  return new Command('pack')
    .description('Author and check packs: validate, test, new, lock')
    .addHelpText('after', '\nExamples:\n  $ permit0 pack validate packs/permit0/email\n  $ permit0 pack new acme/mail\n')
    .addCommand(packValidateCommand(io))
    .addCommand(packTestCommand(io))
    .addCommand(packNewCommand(ctx, io))
    .addCommand(packLockCommand(io))
}
