import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Options } from 'tsup'
import { makePackSeed, PACK_SEED_FILE } from './src/packs/pack-seed.ts'
import { readPacksDir } from './src/packs/packs-dir.ts'

/**
 * The `permit0` bin: ESM chunks in `dist/`, one per lazily loaded command (code splitting).
 *
 * Start-up is what a hook costs on every tool call, and loading ~200 small module files
 * (`yaml` alone is ~70) costs more than compiling one bundle, so the workspace packages and the
 * pure-JS libraries in `BUNDLED` are bundled in. Everything else stays external and must be a
 * dependency of this package: packages that find files beside their own module at run time
 * (PGlite's WASM/data, the engine's WASM parsers, pino's worker transports) and the server's
 * libraries. `onSuccess` fails the build when the output imports a package that is neither a
 * Node built-in nor listed in `dependencies` (e.g. a new engine dependency: add it here to
 * `BUNDLED` if it is plain JS, else to `apps/cli/package.json` dependencies).
 */
const BUNDLED = [
  /^@permit0\//,
  'yaml',
  'zod',
  'commander',
  'canonicalize',
  'ipaddr.js',
  /^@noble\/hashes/,
  'ulid',
  'kysely',
  'kysely-pglite-dialect',
]

const manifest = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  dependencies?: Record<string, string>
}
const declared = new Set(Object.keys(manifest.dependencies ?? {}))
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])
const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/')

/** Fails the build when the output imports a package that is neither a Node built-in nor a dependency. */
type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number]
const declaredExternals: EsbuildPlugin = {
  name: 'permit0-declared-externals',
  setup(build) {
    build.onEnd((result) => {
      const missing = new Set<string>()
      for (const output of Object.values(result.metafile?.outputs ?? {})) {
        for (const imp of output.imports) {
          if (!imp.external || imp.path.startsWith('.') || builtins.has(imp.path)) continue
          if (!declared.has(packageOf(imp.path))) missing.add(packageOf(imp.path))
        }
      }
      if (missing.size > 0) {
        throw new Error(
          `@permit0/cli build: the output imports ${[...missing].join(', ')}, not in apps/cli dependencies ` +
            '(add each to `dependencies`, or to BUNDLED in tsup.config.ts when it is plain JS)',
        )
      }
    })
  },
}

/** In the hook bundle, the engine's `libpg-query` is the lazy stand-in (src/hook/libpg-query-lazy.ts). */
const LAZY_LIBPG_QUERY = fileURLToPath(new URL('./src/hook/libpg-query-lazy.ts', import.meta.url))
const lazyLibpgQuery: EsbuildPlugin = {
  name: 'permit0-lazy-libpg-query',
  setup(build) {
    build.onResolve({ filter: /^libpg-query$/ }, () => ({ path: LAZY_LIBPG_QUERY }))
  },
}

/** In the hook bundle, commander's `child_process` loads on first use (src/hook/lazy-child-process.ts). */
const LAZY_CHILD_PROCESS = fileURLToPath(new URL('./src/hook/lazy-child-process.ts', import.meta.url))
const lazyChildProcess: EsbuildPlugin = {
  name: 'permit0-lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, () => ({ path: LAZY_CHILD_PROCESS }))
  },
}

/**
 * In the hook bundle, web-tree-sitter is its CommonJS build (so V8's code cache covers it too; its
 * ES build declares its own `require`, which the bundle's `require` calls would then hit). The
 * engine finds its WASM by package name (`locateFile`), not beside the module.
 */
const WEB_TREE_SITTER_CJS = createRequire(import.meta.url).resolve('web-tree-sitter')
const webTreeSitterCjs: EsbuildPlugin = {
  name: 'permit0-web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: WEB_TREE_SITTER_CJS }))
  },
}

const HOOK_BUNDLE = ['hook.cjs', 'hook.cjs.map']

/**
 * The store's shipped PGlite cluster (`packages/store/assets/`), copied into `dist/assets/` where
 * the bundled store looks for it (`pgliteTemplatePath()`): without it a new data directory runs
 * initdb (seconds, and a second WASM instance's memory kept for the process's life).
 */
const STORE_ASSETS = new URL('../../packages/store/assets/', import.meta.url)
function copyStoreAssets(): void {
  const out = new URL('./dist/assets/', import.meta.url)
  mkdirSync(out, { recursive: true })
  const templates = readdirSync(STORE_ASSETS).filter((f) => /^pglite-.*-pgdata\.tar\.gz$/.test(f))
  if (templates.length === 0) throw new Error('@permit0/cli build: no PGlite template in packages/store/assets (make-pglite-template.ts)')
  for (const f of templates) copyFileSync(new URL(f, STORE_ASSETS), new URL(f, out))
}

/**
 * The shipped packs' parsed YAML (`src/packs/pack-seed.ts`), written into `dist/assets/`: every
 * start of a command skips parsing the default packs' YAML. The packs are the repository's
 * `packs/`, the directory `scripts/assets.mjs` ships.
 */
function writePackSeed(): void {
  const packs = fileURLToPath(new URL('../../packs/', import.meta.url))
  const files = readPacksDir(packs)
  if (files.length === 0) throw new Error(`@permit0/cli build: no pack files under ${packs}`)
  writeFileSync(new URL(`./dist/assets/${PACK_SEED_FILE}`, import.meta.url), makePackSeed(files))
}

export default defineConfig([
  {
    entry: ['src/bin.ts'],
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    splitting: true,
    sourcemap: true,
    // The hook bundle below is written into the same directory by the other build.
    clean: HOOK_BUNDLE.map((f) => `!${f}`),
    dts: false,
    noExternal: BUNDLED,
    // Bundled CommonJS libraries call `require` for Node built-ins; give ESM chunks one.
    banner: { js: "import { createRequire as __permit0CreateRequire } from 'node:module'; const require = __permit0CreateRequire(import.meta.url);" },
    esbuildOptions(options) {
      options.metafile = true
    },
    esbuildPlugins: [declaredExternals],
    onSuccess: async () => {
      copyStoreAssets()
      writePackSeed()
    },
  },
  {
    // `permit0 hook`, the process a host spawns for every tool call: the hook command alone in one
    // minified CommonJS file, which `src/hook-loader.ts` runs under V8's code cache (Node 20 has
    // none for ES modules). Dynamic imports become `require` so the file needs no module loader.
    entry: { hook: 'src/hook-main.ts' },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    platform: 'node',
    target: 'node20',
    splitting: false,
    sourcemap: true,
    minify: true,
    shims: true,
    // Keep `node:` specifiers for the plugins below (tsup would otherwise mark them external first).
    removeNodeProtocol: false,
    clean: false,
    dts: false,
    noExternal: [...BUNDLED, 'libpg-query', 'web-tree-sitter'],
    esbuildOptions(options) {
      options.metafile = true
      options.supported = { ...options.supported, 'dynamic-import': false }
    },
    esbuildPlugins: [lazyLibpgQuery, lazyChildProcess, webTreeSitterCjs, declaredExternals],
  },
])
