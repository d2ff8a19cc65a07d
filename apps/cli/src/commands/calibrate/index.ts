import { Command } from 'commander'
import { calibrateDiffCommand, calibrateValidateCommand } from './profile-commands.ts'
import { calibrateTestCommand } from './test.ts'

export function calibrateCommand(): Command {
  return new Command('calibrate')
    .description('Calibration: run the case corpus, validate and compare scoring profiles')
    .addCommand(calibrateTestCommand())
    .addCommand(calibrateValidateCommand())
    .addCommand(calibrateDiffCommand())
    .addHelpText('after', '\nExample:\n  permit0 calibrate test --packs-dir packs --org-domain calibration.test\n')
}
