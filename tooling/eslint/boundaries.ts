import { builtinModules } from 'node:module'
import { defineConfig } from 'eslint/config'
import type { Linter } from 'eslint'
import { BASE_RESTRICTED_SYNTAX, CONFIG_FILES, TEST_FILES } from './base.ts'

/**
 * Module boundaries (house style §6.2), enforced per package with
 * `@typescript-eslint/no-restricted-imports` (which can allow `import type` where the table
 * says "types only"), and for the engine also with restricted globals, properties and syntax
 * so it stays pure: no IO, no clock, no randomness, no environment.
 *
 * The rules apply to shipped source; tests, e2e suites and test helpers may use Node and
 * fixtures (the isolated `node_modules` still limits them to declared dependencies).
 */

export const PACKAGES = ['domain', 'engine', 'approvals', 'store', 'contracts', 'client', 'cli', 'dashboard'] as const
export type PackageName = (typeof PACKAGES)[number]

type RestrictedPath = { name: string; message: string; allowTypeImports?: boolean }
type RestrictedPattern = { regex: string; message: string; allowTypeImports?: boolean }

const NODE_BUILTINS = [...new Set(builtinModules.map((m) => m.replace(/^node:/, '').split('/')[0] ?? m))]

const noNode = (who: string): RestrictedPattern[] => [
  { regex: '^node:', message: `${who} must not import Node built-ins.` },
  { regex: `^(${NODE_BUILTINS.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(/.*)?$`, message: `${who} must not import Node built-ins.` },
]

/**
 * The engine's one IO exception: `src/parsers/bash.ts` resolves the installed grammar's `.wasm`
 * with `node:module`'s `createRequire` while `initParsers()` runs. Only that module, only there.
 */
const ENGINE_WASM_LOADERS = ['src/parsers/bash.ts']
const noNodeExcept = (who: string, allowed: string): RestrictedPattern[] => [
  { regex: `^node:(?!${allowed}$)`, message: `${who} must not import Node built-ins.` },
  { regex: `^(${NODE_BUILTINS.filter((m) => m !== allowed).map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(/.*)?$`, message: `${who} must not import Node built-ins.` },
]

const workspace = (pkg: PackageName): string => `@permit0/${pkg}`

/** `@permit0/<pkg>` forbidden (or allowed only as `import type`). */
const forbidWorkspace = (who: string, pkgs: readonly PackageName[], opts: { typesOnly?: boolean } = {}): RestrictedPath[] =>
  pkgs.map((p) => ({
    name: workspace(p),
    message: opts.typesOnly === true
      ? `${who} may only \`import type\` from ${workspace(p)} (house style §6.2).`
      : `${who} must not depend on ${workspace(p)} (house style §6.2).`,
    ...(opts.typesOnly === true ? { allowTypeImports: true } : {}),
  }))

const forbidLibs = (who: string, libs: readonly string[]): RestrictedPath[] =>
  libs.map((name) => ({ name, message: `${who} must not import ${name} (house style §6.2).` }))

const DB = ['kysely', 'kysely-pglite-dialect', 'pg', '@electric-sql/pglite']
const HTTP = ['hono', '@hono/node-server', '@hono/zod-validator']
const CLI = ['commander', 'pino', 'prom-client']
const UI = ['react', 'react-dom', 'recharts']

/** Every package: cross-package imports go through `@permit0/<pkg>`'s index, never deeper. */
const NO_DEEP_IMPORTS: RestrictedPattern = {
  regex: '^@permit0/(?!eslint-config/|tsconfig/)[^/]+/(?!dist$).+',
  message: 'No deep imports: use the package entry `@permit0/<pkg>` (house style §6.3).',
}
/** Relative imports never reach into another workspace package. */
const NO_CROSS_PACKAGE_RELATIVE: RestrictedPattern = {
  regex: '^(\\.\\./)+(packages|apps|tooling)/',
  message: 'Import another workspace package by name (`@permit0/<pkg>`), not by relative path.',
}

const RULES: Record<PackageName, { paths: RestrictedPath[]; patterns: RestrictedPattern[] }> = {
  /** The shared vocabulary: imports nothing at all (every other package may import it). */
  domain: {
    paths: [
      ...forbidWorkspace('domain', ['engine', 'approvals', 'store', 'contracts', 'client', 'cli', 'dashboard']),
      ...forbidLibs('domain (no dependencies)', ['zod', 'yaml', ...DB, ...HTTP, ...CLI, ...UI]),
    ],
    patterns: noNode('domain (no dependencies)'),
  },
  engine: {
    paths: [
      ...forbidWorkspace('engine', ['approvals', 'store', 'contracts', 'client', 'cli', 'dashboard']),
      ...forbidLibs('engine (pure: no IO)', [...DB, ...HTTP, ...CLI, ...UI]),
    ],
    patterns: noNode('engine (pure: no IO)'),
  },
  approvals: {
    paths: [
      ...forbidWorkspace('approvals', ['engine'], { typesOnly: true }),
      ...forbidWorkspace('approvals', ['store', 'contracts', 'client', 'cli', 'dashboard']),
      ...forbidLibs('approvals', [...DB, ...HTTP, ...CLI, ...UI]),
    ],
    patterns: [],
  },
  store: {
    paths: [
      ...forbidWorkspace('store', ['engine'], { typesOnly: true }),
      ...forbidWorkspace('store', ['approvals', 'contracts', 'client', 'cli', 'dashboard']),
      ...forbidLibs('store', [...HTTP, ...CLI, ...UI]),
    ],
    patterns: [],
  },
  contracts: {
    paths: [
      ...forbidWorkspace('contracts', ['engine'], { typesOnly: true }),
      ...forbidWorkspace('contracts', ['approvals', 'store', 'client', 'cli', 'dashboard']),
      ...forbidLibs('contracts (ships to the browser)', [...DB, ...HTTP, ...CLI, ...UI]),
    ],
    patterns: noNode('contracts (ships to the browser)'),
  },
  client: {
    paths: [
      ...forbidWorkspace('client', ['engine', 'approvals', 'store', 'cli', 'dashboard']),
      ...forbidLibs('client', [...DB, ...HTTP, ...CLI, ...UI]),
    ],
    patterns: [],
  },
  cli: { paths: [], patterns: [] },
  dashboard: {
    paths: [
      ...forbidWorkspace('dashboard', ['engine', 'approvals', 'store', 'client'], { typesOnly: true }),
      ...forbidWorkspace('dashboard', ['cli']),
      ...forbidLibs('dashboard (browser)', [...DB, ...HTTP, ...CLI]),
    ],
    patterns: noNode('dashboard (browser)'),
  },
}

const SOURCE_FILES = ['**/*.{ts,tsx,mts,cts}']

const ENGINE_GLOBALS = [
  'process', 'Buffer', 'require', '__dirname', '__filename', 'global',
  'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
  'crypto', 'fetch', 'performance', 'XMLHttpRequest', 'WebSocket', 'localStorage', 'sessionStorage',
].map((name) => ({ name, message: `engine is pure: no \`${name}\` (time, ids and IO are inputs; house style §6.2).` }))

const ENGINE_PROPERTIES = [
  ['Date', 'now'], ['Math', 'random'], ['crypto', 'randomUUID'], ['crypto', 'getRandomValues'],
  ['performance', 'now'], ['globalThis', 'process'], ['globalThis', 'crypto'], ['globalThis', 'fetch'],
  ['globalThis', 'setTimeout'], ['globalThis', 'Buffer'],
].map(([object, property]) => ({
  object,
  property,
  message: `engine is pure: no \`${object}.${property}\` (time, ids and randomness are inputs; house style §6.2).`,
}))

const ENGINE_SYNTAX = [
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'engine is pure: `new Date()` reads the clock; take `nowMs` as an input.',
  },
  { selector: "CallExpression[callee.name='Date']", message: 'engine is pure: `Date()` reads the clock.' },
  { selector: 'ImportExpression', message: 'engine is pure: no dynamic import (IO).' },
]

/**
 * The boundary config for one workspace package; spread it after `base` in that package's
 * `eslint.config.ts`: `export default [...base, ...boundaries('engine')]`.
 */
export function boundaries(pkg: PackageName): Linter.Config[] {
  const { paths, patterns } = RULES[pkg]
  const configs: Linter.Config[] = [
    {
      name: `permit0/boundaries/${pkg}`,
      files: SOURCE_FILES,
      ignores: [...TEST_FILES, ...CONFIG_FILES],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          { paths, patterns: [...patterns, NO_DEEP_IMPORTS, NO_CROSS_PACKAGE_RELATIVE] },
        ],
      },
    },
    {
      name: `permit0/boundaries/${pkg}/tests`,
      files: [...TEST_FILES],
      rules: {
        '@typescript-eslint/no-restricted-imports': ['error', { patterns: [NO_CROSS_PACKAGE_RELATIVE] }],
      },
    },
  ]
  if (pkg === 'engine') {
    configs.push({
      name: 'permit0/boundaries/engine/wasm-loaders',
      files: ENGINE_WASM_LOADERS,
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          { paths, patterns: [...noNodeExcept('engine (pure: no IO; the WASM loader may use node:module)', 'module'), NO_DEEP_IMPORTS, NO_CROSS_PACKAGE_RELATIVE] },
        ],
      },
    })
    configs.push({
      name: 'permit0/boundaries/engine/purity',
      files: SOURCE_FILES,
      ignores: [...TEST_FILES, ...CONFIG_FILES],
      rules: {
        'no-restricted-globals': ['error', ...ENGINE_GLOBALS],
        'no-restricted-properties': ['error', ...ENGINE_PROPERTIES],
        'no-restricted-syntax': ['error', ...BASE_RESTRICTED_SYNTAX, ...ENGINE_SYNTAX],
      },
    })
  }
  return defineConfig(configs)
}
