import { Command } from 'commander'
import { auditExportCommand } from './export.ts'
import { auditInspectCommand } from './inspect.ts'
import { auditVerifyCommand } from './verify.ts'
import type { CliContext } from '../../env.ts'

/** `permit0 audit verify|inspect|export`. */
export function auditCommand(ctx: CliContext): Command {
  return new Command('audit')
    .description('Verify, inspect and export the signed, hash-chained audit log')
    .addCommand(auditVerifyCommand(ctx))
    .addCommand(auditInspectCommand())
    .addCommand(auditExportCommand(ctx))
    .addHelpText(
      'after',
      '\nExamples:\n  permit0 audit export --output audit.jsonl\n  permit0 audit verify audit.jsonl --data-dir ~/.permit0/data\n  permit0 audit inspect audit.jsonl\n',
    )
}
