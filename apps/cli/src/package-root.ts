/**
 * Where the CLI's own files are, the same from source (`apps/cli/src/…`), from the build
 * (`apps/cli/dist/…`, one chunk per command) and from an npm install
 * (`node_modules/@permit0/cli/dist/…`): the nearest directory above this module holding the
 * `@permit0/cli` package.json. Shipped assets sit at that root (`packs/`, `dashboard/`, copied
 * by `scripts/assets.mjs` when the package is packed); in the workspace they fall back to the
 * repository's `packs/` and `apps/dashboard/dist`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

export function cliPackageRoot(): string {
  if (cached !== undefined) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === '@permit0/cli') {
      cached = dir
      return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`@permit0/cli: package.json not found above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

/** The first candidate (relative to the CLI package root) that holds `probe`, or undefined. */
export function cliAsset(candidates: readonly string[], probe: string): string | undefined {
  const root = cliPackageRoot()
  for (const rel of candidates) {
    const dir = resolve(root, rel)
    if (existsSync(join(dir, probe))) return dir
  }
  return undefined
}

/** The built dashboard: `<cli>/dashboard` (packed) or the workspace's `apps/dashboard/dist`. */
export const shippedDashboardDir = (): string | undefined => cliAsset(['../dashboard/dist', 'dashboard'], 'index.html')

/** The compiled CLI entry (`dist/bin.js`): what an installed hook runs with an absolute node. */
export const builtCliEntry = (): string => join(cliPackageRoot(), 'dist', 'bin.js')
