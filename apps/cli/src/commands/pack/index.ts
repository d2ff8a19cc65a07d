import { Command } from 'commander'
import { processIo, type CommandIo } from './io.ts'
import { packLockCommand } from './lock.ts'
import { packNewCommand } from './new.ts'
import { packTestCommand } from './test.ts'
import { packTrustCommand, packUntrustCommand } from './trust.ts'
import { packValidateCommand } from './validate.ts'
import type { CliContext } from '../../env.ts'

/** `permit0 pack validate|test|new|lock|trust|untrust` (also spelled `permit0 packs …`). */
export function packCommand(ctx: CliContext, io: CommandIo = processIo): Command {
  return new Command('pack')
    .alias('packs')
    .description("Author and check packs: validate, test, new, lock; trust a project's packs")
    .addHelpText('after', '\nExamples:\n  $ permit0 pack validate packs/permit0/email\n  $ permit0 pack new acme/mail\n  $ permit0 pack trust ./packs\n')
    .addCommand(packValidateCommand(io))
    .addCommand(packTestCommand(io))
    .addCommand(packNewCommand(ctx, io))
    .addCommand(packLockCommand(io))
    .addCommand(packTrustCommand(ctx, io))
    .addCommand(packUntrustCommand(ctx, io))
}
