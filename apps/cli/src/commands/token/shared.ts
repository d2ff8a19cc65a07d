import { TokenRole } from '@permit0/domain'
import type { Store } from '@permit0/store'
import { z } from 'zod'
import type { CommandIo } from '../pack/io.ts'
import { openStore, type OpenStoreOptions, type StoreEnv, type StoreFlags } from '../../store-options.ts'

/** What every `permit0 token …` command needs; tests inject `openStore` and `now`. */
export interface TokenDeps extends StoreEnv {
  readonly io: CommandIo
  readonly openStore?: (flags: StoreFlags, options: OpenStoreOptions) => Promise<Store>
  /** Wall clock for created/revoked timestamps. Default `Date.now`. */
  readonly now?: () => number
}

/** Token names: what the audit log records as the reviewer, so short and printable. */
export const TokenNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'use 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit')

export const TokenRoleSchema = z.enum(TokenRole, {
  error: `expected one of ${Object.values(TokenRole).join(', ')}`,
})

/** Opens the selected store (migrated), runs `fn`, closes it. */
export async function withStore<T>(flags: StoreFlags, deps: TokenDeps, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await (deps.openStore ?? openStore)(flags, {
    ...deps,
    onKeyCreated: ({ path, publicKey }) => deps.io.stderr(`created audit signing key ${path} (public key ${publicKey})`),
  })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}
