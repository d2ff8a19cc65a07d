/**
 * The engine options every command that loads packs shares (`--packs-dir`, `--org-domain`,
 * `--profile`), apart from the factory that loads them (`engine-factory.ts`), so a command can
 * declare them without loading the engine.
 */
export interface EngineCliOptions {
  /** `--packs-dir` */
  readonly packsDir?: string
  /** `--org-domain` */
  readonly orgDomain?: string
  /** `--profile`: a name (`fintech` → `profiles/fintech.profile.yaml`) or a file path. */
  readonly profile?: string
}

/** `--packs-dir` help, shared by every command that loads packs. */
export const PACKS_DIR_HELP =
  'packs root used alone (default: $PERMIT0_PACKS_DIR, else the shipped packs + ~/.permit0/packs + a trusted ./packs)'

/** Adds `--packs-dir`, `--org-domain` and `--profile` to a command. */
export function withEngineOptions<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option('--packs-dir <dir>', PACKS_DIR_HELP)
    .option('--org-domain <domain>', "your organisation's mail domain (drives recipient_scope)")
    .option('--profile <name|file>', 'scoring profile: a name under ./profiles or a .profile.yaml path')
}
