import { Command } from 'commander'
import { ExitCode, processIo } from '../pack/io.ts'
import { addStoreOptions, type StoreFlags, withStore } from '../../store-options.ts'
import type { DbDeps } from './migrate.ts'
import type { CliContext } from '../../env.ts'

/** Prints the backend, applied and pending migrations and the audit chain head. */
export async function runDbStatus(flags: StoreFlags & { json?: boolean }, deps: DbDeps): Promise<number> {
  const { io } = deps
  return withStore(flags, { ...deps, migrate: false }, async (store) => {
    const status = await store.migrationStatus()
    const head = status.pending.length === 0 ? await store.audit.head() : undefined
    const report = {
      kind: store.kind,
      location: store.location,
      applied: status.applied,
      pending: status.pending,
      ...(head === undefined ? {} : { auditEntries: head.sequence }),
      auditKeyId: store.audit.keyId,
      auditPublicKey: store.audit.publicKey,
    }
    if (flags.json) {
      io.stdout(JSON.stringify(report))
      return ExitCode.Ok
    }
    io.stdout(`store:      ${report.kind} ${report.location}`)
    io.stdout(`applied:    ${status.applied.join(', ') || '(none)'}`)
    io.stdout(`pending:    ${status.pending.join(', ') || '(none)'}`)
    if (head !== undefined) io.stdout(`audit:      ${head.sequence} entries, head ${head.entryHash.slice(0, 16)}...`)
    io.stdout(`audit key:  ${report.auditPublicKey} (id ${report.auditKeyId})`)
    return ExitCode.Ok
  })
}

export function dbStatusCommand(ctx: CliContext): Command {
  return addStoreOptions(new Command('status').description('Show the store backend, migrations and audit chain head'))
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExamples:\n  permit0 db status\n  permit0 db status --database-url postgres://postgres@127.0.0.1:5432/permit0 --json\n')
    .action(async (flags: StoreFlags & { json?: boolean }) => {
      process.exitCode = await runDbStatus(flags, { io: processIo, env: ctx.env })
    })
}
