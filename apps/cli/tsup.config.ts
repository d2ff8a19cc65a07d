import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { defineConfig } from 'tsup'

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

export default defineConfig({
  entry: ['src/bin.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: true,
  sourcemap: true,
  clean: true,
  dts: false,
  noExternal: BUNDLED,
  // Bundled CommonJS libraries call `require` for Node built-ins; give ESM chunks one.
  banner: { js: "import { createRequire as __permit0CreateRequire } from 'node:module'; const require = __permit0CreateRequire(import.meta.url);" },
  esbuildOptions(options) {
    options.metafile = true
  },
  esbuildPlugins: [
    {
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
    },
  ],
})
