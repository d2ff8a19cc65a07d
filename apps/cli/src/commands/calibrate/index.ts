import { Command } from 'commander'
import { calibrateDiffCommand, calibrateValidateCommand } from './profile-commands.ts'
import { calibrateTestCommand } from './test.ts'
import type { CliContext } from '../../env.ts'

export function calibrateCommand(ctx: CliContext): Command {
  return new Command('calibrate')
    .description('Calibration: run the case corpus, validate and compare scoring profiles')
    .addCommand(calibrateTestCommand(ctx))
    .addCommand(calibrateValidateCommand())
    .addCommand(calibrateDiffCommand())
    .addHelpText('after', '\nExample:\n  permit0 calibrate test --packs-dir packs --org-domain calibration.test\n')
}
