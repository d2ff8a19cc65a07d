import eslint from '@eslint/js'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

/** Files no package lints: build output, caches, dependencies. */
export const IGNORES = ['**/dist/**', '**/.cache/**', '**/.turbo/**', '**/node_modules/**', '**/coverage/**'] as const

/** Test files, helpers and e2e suites: they may use Node, fixtures and test-only deep imports. */
export const TEST_FILES = [
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.contract.ts',
  '**/__tests__/**',
  '**/test/**',
  '**/e2e/**',
] as const

/** Tool config files at a package root (`vitest.config.ts`, `eslint.config.ts`, …). */
export const CONFIG_FILES = ['*.config.ts', '*.config.js', '*.config.mjs'] as const

/** Syntax every package avoids; configs that add `no-restricted-syntax` entries spread this first. */
export const BASE_RESTRICTED_SYNTAX = [
  { selector: 'TSEnumDeclaration', message: 'No TS enums: use an `as const` object and a derived union (house style §6.4).' },
  { selector: 'ExportDefaultDeclaration', message: 'Named exports only (house style §6.4).' },
]

/**
 * The shared TypeScript rules for every package: eslint recommended + typescript-eslint
 * recommended (syntax-only, no type information, so lint stays cheap), plus the house style's
 * named-exports and type-import conventions.
 */
export const base = defineConfig(
  { ignores: [...IGNORES] },
  eslint.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-restricted-syntax': ['error', ...BASE_RESTRICTED_SYNTAX],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // Tests may type loosely-shaped replies (JSON bodies) as `any`.
    files: [...TEST_FILES],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Migrations are typed against `Kysely<any>` so they never depend on today's schema (house style §6.9).
    files: ['**/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tools require default exports from their config files.
    files: [...CONFIG_FILES],
    rules: { 'no-restricted-syntax': 'off' },
  },
)
