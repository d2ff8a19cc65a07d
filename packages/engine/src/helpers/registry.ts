/**
 * The helper table. To add helpers: write `helpers/<topic>.ts` exporting a `HelperDef[]` and add
 * it to `HELPER_GROUPS` below. Names must be unique (checked when this module loads).
 */
import { CORE_HELPERS } from './core.ts'
import { MONEY_HELPERS } from './money.ts'
import { EMAIL_HELPERS } from './email.ts'
import { FILE_TOOL_HELPERS } from './file-tools.ts'
import { HOST_TOOL_HELPERS } from './host-tools.ts'
import { PATH_HELPERS } from './path.ts'
import { SECRET_HELPERS } from './secrets.ts'
import { SHELL_HELPERS } from './shell.ts'
import { SQL_HELPERS } from './sql.ts'
import { URL_HELPERS } from './url.ts'
import type { HelperDef } from './types.ts'

const HELPER_GROUPS: readonly (readonly HelperDef[])[] = [
  CORE_HELPERS,
  MONEY_HELPERS,
  EMAIL_HELPERS,
  FILE_TOOL_HELPERS,
  HOST_TOOL_HELPERS,
  PATH_HELPERS,
  SECRET_HELPERS,
  SHELL_HELPERS,
  SQL_HELPERS,
  URL_HELPERS,
]

function buildTable(groups: readonly (readonly HelperDef[])[]): ReadonlyMap<string, HelperDef> {
  const table = new Map<string, HelperDef>()
  for (const group of groups) {
    for (const helper of group) {
      if (table.has(helper.name)) throw new Error(`duplicate helper '${helper.name}'`)
      table.set(helper.name, helper)
    }
  }
  return table
}

/** Every helper a normalizer may `compute`, by name. */
export const HELPERS: ReadonlyMap<string, HelperDef> = buildTable(HELPER_GROUPS)

export function getHelper(name: string): HelperDef | undefined {
  return HELPERS.get(name)
}
