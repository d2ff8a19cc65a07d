/**
 * The tsup build every public library package shares: ESM + bundled `.d.ts` in `dist/`, every
 * dependency external (tsup's default: `dependencies` and `peerDependencies` are never bundled, so
 * WASM parsers and PGlite resolve their files from their own npm packages at run time), and the
 * repository's LICENSE copied beside `package.json` so the tarball carries it.
 */
import { copyFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Options } from 'tsup'

const LICENSE = fileURLToPath(new URL('../../LICENSE', import.meta.url))

export function libraryBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    onSuccess: async () => copyFileSync(LICENSE, 'LICENSE'),
    ...overrides,
  }
}
