import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { ESLint, type Linter } from 'eslint'
import { describe, expect, it } from 'vitest'
import { base } from './base.ts'
import { boundaries, type PackageName } from './boundaries.ts'
import { react } from './react.ts'

const CWD = fileURLToPath(new URL('.', import.meta.url))

/** Lints `code` as if it were `file` inside package `pkg`; returns the rule ids that fired. */
async function lint(pkg: PackageName, file: string, code: string): Promise<string[]> {
  const overrideConfig: Linter.Config[] = [...base, ...boundaries(pkg), ...(pkg === 'dashboard' ? react : [])]
  const eslint = new ESLint({ cwd: CWD, overrideConfigFile: true, overrideConfig })
  const [result] = await eslint.lintText(code, { filePath: join(CWD, file) })
  if (result === undefined) throw new Error('no lint result')
  const fatal = result.messages.find((m) => m.fatal === true)
  if (fatal !== undefined) throw new Error(`parse error: ${fatal.message}`)
  return result.messages.map((m) => m.ruleId ?? 'unknown')
}

const IMPORTS = '@typescript-eslint/no-restricted-imports'

describe('engine stays pure', () => {
  it.each([
    ["import { readFileSync } from 'node:fs'\nexport const f = readFileSync", IMPORTS],
    ["import { join } from 'path'\nexport const j = join", IMPORTS],
    ["import type { Store } from '@permit0/store'\nexport type S = Store", IMPORTS],
    ["import { Kysely } from 'kysely'\nexport const k = Kysely", IMPORTS],
    ['export const env = process.env.HOME', 'no-restricted-globals'],
    ['export const now = Date.now()', 'no-restricted-properties'],
    ['export const r = Math.random()', 'no-restricted-properties'],
    ['export const id = globalThis.crypto.randomUUID()', 'no-restricted-properties'],
    ['export const t = setTimeout(() => undefined, 1)', 'no-restricted-globals'],
    ['export const d = new Date()', 'no-restricted-syntax'],
    ["export const m = await import('./x.ts')", 'no-restricted-syntax'],
  ])('rejects %s', async (code, rule) => {
    expect(await lint('engine', 'src/probe.ts', code)).toContain(rule)
  })

  it('allows its declared libraries, relative imports and dates from inputs', async () => {
    const code = [
      "import { z } from 'zod'",
      "import { parse } from 'yaml'",
      "import { helper } from '../helpers/index.ts'",
      'export const s = z.string()',
      'export const p = parse',
      'export const h = helper',
      'export const d = (nowMs: number): string => new Date(nowMs).toISOString()',
    ].join('\n')
    expect(await lint('engine', 'src/normalize/probe.ts', code)).toEqual([])
  })

  it('lets engine tests read fixtures from disk', async () => {
    const code = "import { readFileSync } from 'node:fs'\nexport const f = readFileSync"
    expect(await lint('engine', 'src/probe.test.ts', code)).toEqual([])
  })
})

describe('package boundaries (house style §6.2)', () => {
  it.each<[PackageName, string, string]>([
    ['domain', 'src/p.ts', "import type { Verdict } from '@permit0/engine'\nexport type V = Verdict"],
    ['domain', 'src/p.ts', "import { z } from 'zod'\nexport const s = z.string()"],
    ['domain', 'src/p.ts', "import { readFileSync } from 'node:fs'\nexport const f = readFileSync"],
    ['approvals', 'src/p.ts', "import { createEngine } from '@permit0/engine'\nexport const e = createEngine"],
    ['approvals', 'src/p.ts', "import { Hono } from 'hono'\nexport const h = Hono"],
    ['approvals', 'src/p.ts', "import { createStore } from '@permit0/store'\nexport const s = createStore"],
    ['store', 'src/p.ts', "import { createApprovalQueue } from '@permit0/approvals'\nexport const q = createApprovalQueue"],
    ['store', 'src/p.ts', "import { evaluate } from '@permit0/engine'\nexport const e = evaluate"],
    ['contracts', 'src/p.ts', "import { createHash } from 'node:crypto'\nexport const h = createHash"],
    ['contracts', 'src/p.ts', "import { Kysely } from 'kysely'\nexport const k = Kysely"],
    ['client', 'src/p.ts', "import { createStore } from '@permit0/store'\nexport const s = createStore"],
    ['dashboard', 'src/p.tsx', "import { createStore } from '@permit0/store'\nexport const s = createStore"],
    ['dashboard', 'src/p.tsx', "import { readFile } from 'node:fs/promises'\nexport const r = readFile"],
    ['cli', 'src/p.ts', "import { x } from '@permit0/engine/src/normalize/index.ts'\nexport const y = x"],
    ['cli', 'src/p.ts', "import { x } from '../../../packages/engine/src/index.ts'\nexport const y = x"],
  ])('%s rejects an import in %s: %s', async (pkg, file, code) => {
    expect(await lint(pkg, file, code)).toContain(IMPORTS)
  })

  it.each<[PackageName, string, string]>([
    ['approvals', 'src/p.ts', "import type { Permission } from '@permit0/engine'\nexport type P = Permission"],
    ['store', 'src/p.ts', "import type { NormAction } from '@permit0/engine'\nimport { Kysely } from 'kysely'\nexport type N = NormAction\nexport const k = Kysely"],
    ['contracts', 'src/p.ts', "import type { Tier } from '@permit0/engine'\nimport { z } from 'zod'\nexport type T = Tier\nexport const s = z.string()"],
    ['dashboard', 'src/p.tsx', "import { CheckResponseSchema } from '@permit0/contracts'\nexport const s = CheckResponseSchema"],
    // the shared vocabulary is runtime-importable everywhere
    ['store', 'src/p.ts', "import { DecisionSource } from '@permit0/domain'\nexport const d = DecisionSource"],
    ['contracts', 'src/p.ts', "import { DecisionSource } from '@permit0/domain'\nexport const d = DecisionSource"],
    ['approvals', 'src/p.ts', "import { ApprovalStatus } from '@permit0/domain'\nexport const s = ApprovalStatus"],
    ['dashboard', 'src/p.tsx', "import { DECISION_SOURCE_INFO } from '@permit0/domain'\nexport const d = DECISION_SOURCE_INFO"],
    ['dashboard', 'e2e/p.test.ts', "import { readFile } from 'node:fs/promises'\nexport const r = readFile"],
    ['cli', 'src/p.ts', "import { createStore } from '@permit0/store'\nimport { Hono } from 'hono'\nexport const s = createStore\nexport const h = Hono"],
  ])('%s allows %s: %s', async (pkg, file, code) => {
    expect(await lint(pkg, file, code)).toEqual([])
  })
})

describe('base and react rules', () => {
  it('rejects enums and default exports outside config files, allows them in *.config.ts', async () => {
    expect(await lint('engine', 'src/p.ts', 'export enum Tier { Low }')).toContain('no-restricted-syntax')
    expect(await lint('engine', 'src/p.ts', 'export default 1')).toContain('no-restricted-syntax')
    expect(await lint('engine', 'vitest.config.ts', 'export default {}')).toEqual([])
  })

  it('rejects unused variables and non-type imports of types', async () => {
    expect(await lint('cli', 'src/p.ts', 'const unused = 1\nexport {}')).toContain('@typescript-eslint/no-unused-vars')
    expect(await lint('cli', 'src/p.ts', "import { Foo } from './foo.ts'\nexport type F = Foo")).toContain(
      '@typescript-eslint/consistent-type-imports',
    )
  })

  it('enforces the rules of hooks in the dashboard', async () => {
    const code = [
      "import { useState } from 'react'",
      'export function Card({ open }: { open: boolean }) {',
      '  if (open) useState(0)',
      '  return null',
      '}',
    ].join('\n')
    expect(await lint('dashboard', 'src/card.tsx', code)).toContain('react-hooks/rules-of-hooks')
  })
})
