/**
 * `node scripts/assets.mjs copy|clean`: the files `@permit0/cli` ships besides its build, copied
 * into the package root when it is packed (`prepack`) and removed afterwards (`postpack`), so the
 * workspace always reads the live `packs/` and `apps/dashboard/dist` instead of a stale copy:
 * - `packs/`      ← the repository's default packs (`shippedPacksDir()` looks here first)
 * - `dashboard/`  ← the dashboard build (`apps/dashboard/dist`, built before the CLI by turbo)
 * - `LICENSE`, `README.md`
 */
import { cpSync, existsSync, rmSync } from 'node:fs'
import process from 'node:process'
import { URL, fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const repo = fileURLToPath(new URL('../../..', import.meta.url))
const ASSETS = [
  { from: `${repo}packs`, to: `${root}packs` },
  { from: `${repo}apps/dashboard/dist`, to: `${root}dashboard`, probe: 'index.html' },
  { from: `${repo}LICENSE`, to: `${root}LICENSE` },
  { from: `${repo}README.md`, to: `${root}README.md` },
]

const mode = process.argv[2]
if (mode === 'copy') {
  if (!existsSync(`${root}dist/bin.js`)) throw new Error('@permit0/cli: dist/bin.js missing; run `pnpm build` first')
  for (const { from, to, probe } of ASSETS) {
    if (!existsSync(probe ? `${from}/${probe}` : from)) throw new Error(`@permit0/cli: ${from} missing; run \`pnpm build\` first`)
    rmSync(to, { recursive: true, force: true })
    cpSync(from, to, { recursive: true })
  }
} else if (mode === 'clean') {
  for (const { to } of ASSETS) rmSync(to, { recursive: true, force: true })
} else {
  throw new Error('usage: node scripts/assets.mjs copy|clean')
}
