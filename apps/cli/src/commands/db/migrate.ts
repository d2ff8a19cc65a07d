import { Command } from 'commander'
import { ExitCode, processIo, type CommandIo } from '../pack/io.ts'
import { addStoreOptions, type StoreEnv, type StoreFlags, withStore } from '../../store-options.ts'
import type { CliContext } from '../../env.ts'

export interface DbDeps extends StoreEnv {
  readonly io: CommandIo
}

/** Applies pending migrations (all in one transaction per database). */
export async function runDbMigrate(flags: StoreFlags, deps: DbDeps): Promise<number> {
  const { io } = deps
  const onKeyCreated = ({ path, publicKey }: { path: string; publicKey: string }) =>
    io.stderr(`created audit signing key ${path} (public key ${publicKey})`)
  return withStore(flags, { ...deps, migrate: false, onKeyCreated }, async (store) => {
    const before = await store.migrationStatus()
    const after = await store.migrate()
    const applied = after.applied.filter((name) => !before.applied.includes(name))
    io.stdout(
      applied.length === 0
        ? `${store.kind} store ${store.location}: up to date (${after.applied.length} migrations)`
        : `${store.kind} store ${store.location}: applied ${applied.join(', ')}`,
    )
    return ExitCode.Ok
  })
}

export function dbMigrateCommand(ctx: CliContext): Command {
  return addStoreOptions(new Command('migrate').description('Apply pending store migrations'))
    .addHelpText('after', '\nExamples:\n  permit0 db migrate\n  permit0 db migrate --database-url postgres://postgres@127.0.0.1:5432/permit0\n')
    .action(async (flags: StoreFlags) => {
      process.exitCode = await runDbMigrate(flags, { io: processIo, env: ctx.env })
    })
}
