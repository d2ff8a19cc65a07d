import { Command } from 'commander'
import { ExitCode, processIo, type CommandIo } from '../pack/io.ts'
import { addStoreOptions, openStore, type StoreEnv, type StoreFlags } from '../../store-options.ts'

export interface DbDeps extends StoreEnv {
  readonly io: CommandIo
}

/** Applies pending migrations (all in one transaction per database). */
export async function runDbMigrate(flags: StoreFlags, deps: DbDeps): Promise<number> {
  const { io } = deps
  try {
    const store = await openStore(flags, {
      ...deps,
      migrate: false,
      onKeyCreated: ({ path, publicKey }) => io.stderr(`created audit signing key ${path} (public key ${publicKey})`),
    })
    try {
      const before = await store.migrationStatus()
      const after = await store.migrate()
      const applied = after.applied.filter((name) => !before.applied.includes(name))
      io.stdout(
        applied.length === 0
          ? `${store.kind} store ${store.location}: up to date (${after.applied.length} migrations)`
          : `${store.kind} store ${store.location}: applied ${applied.join(', ')}`,
      )
    } finally {
      await store.close()
    }
    return ExitCode.Ok
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}`)
    return ExitCode.Failure
  }
}

export function dbMigrateCommand(): Command {
  return addStoreOptions(new Command('migrate').description('Apply pending store migrations'))
    .addHelpText('after', '\nExamples:\n  permit0 db migrate\n  permit0 db migrate --database-url postgres://postgres@127.0.0.1:5432/permit0\n')
    .action(async (flags: StoreFlags) => {
      process.exitCode = await runDbMigrate(flags, { io: processIo, env: process.env })
    })
}
