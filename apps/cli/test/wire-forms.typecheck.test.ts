/**
 * "A new verdict source compiles only when every wire form knows it" (issue 16), proved with the
 * TypeScript compiler: the real sources are type-checked twice, once as they are and once with a
 * new source (`Sandbox`) registered in `@permit0/domain`'s `DecisionSource` — nothing else changed.
 *
 * - Every table keyed by `DecisionSource` (`satisfies Record<DecisionSource, …>`) must then fail
 *   to compile, naming the new source, until someone says what it means there.
 * - Every wire form (the `/check` response, the audit source, the engine's `Verdict`, the store's
 *   audit entry) must accept the new value with no edit: they derive from the one definition.
 */
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './helpers/in-process.ts'

const DOMAIN_SOURCE_FILE = join(REPO_ROOT, 'packages/domain/src/decision-source.ts')

/** Every exhaustive per-source table: adding a source must be a compile error in each. */
const SOURCE_TABLES = [
  'packages/domain/src/decision-source.ts', // DECISION_SOURCE_INFO (label, origin, description)
  'packages/engine/src/verdict/pipeline.ts', // CACHEABLE_SOURCES
  'apps/cli/src/server/decision-service.ts', // PARKABLE (hitl, calibration)
].map((file) => join(REPO_ROOT, file))

/** Wire forms that must follow the definition without an edit (a virtual file beside this test). */
const PROBE_FILE = join(REPO_ROOT, 'apps/cli/test/__wire-probe__.ts')
const PROBE = `
import type { AuditSource as WireAuditSource, CheckResponse, DecisionSource as WireSource } from '@permit0/contracts'
import { AuditSourceSchema, DecisionSourceSchema } from '@permit0/contracts'
import type { Verdict } from '@permit0/engine'
import type { AuditSource, NewAuditEntry } from '@permit0/store'
import type { z } from 'zod'
export const check: CheckResponse['source'] = 'Sandbox'
export const wire: WireSource = 'Sandbox'
export const wireAudit: WireAuditSource = 'Sandbox'
export const parsed: z.infer<typeof DecisionSourceSchema> = 'Sandbox'
export const parsedAudit: z.infer<typeof AuditSourceSchema> = 'Sandbox'
export const verdict: Verdict['source'] = 'Sandbox'
export const audit: AuditSource = 'Sandbox'
export const engineSource: NonNullable<NewAuditEntry['engineSource']> = 'Sandbox'
`

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  customConditions: ['@permit0/source'],
  moduleDetection: ts.ModuleDetectionKind.Force,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  strict: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
  jsx: ts.JsxEmit.ReactJSX,
}

/** Parsed files shared by both runs (all but the patched file are identical). */
const parsed = new Map<string, ts.SourceFile>()

/** Type-checks the tables and the probe, with `DecisionSource` patched by `patch`. */
function diagnostics(patch: (text: string) => string): Map<string, string[]> {
  const host = ts.createCompilerHost(OPTIONS)
  const read = (file: string): string | undefined => {
    if (file === PROBE_FILE) return PROBE
    const text = ts.sys.readFile(file)
    return file === DOMAIN_SOURCE_FILE && text !== undefined ? patch(text) : text
  }
  host.readFile = read
  host.fileExists = (file) => file === PROBE_FILE || ts.sys.fileExists(file)
  host.getSourceFile = (file, language) => {
    const text = read(file)
    if (text === undefined) return undefined
    if (file === DOMAIN_SOURCE_FILE) return ts.createSourceFile(file, text, language)
    const cached = parsed.get(file) ?? ts.createSourceFile(file, text, language)
    parsed.set(file, cached)
    return cached
  }
  const program = ts.createProgram({ rootNames: [...SOURCE_TABLES, PROBE_FILE], options: OPTIONS, host })
  const out = new Map<string, string[]>()
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? '<global>'
    out.set(file, [...(out.get(file) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n')])
  }
  return out
}

const ADD_SANDBOX = (text: string): string => {
  const anchor = "  HumanReviewer: 'HumanReviewer',\n} as const"
  if (!text.includes(anchor)) throw new Error('decision-source.ts changed: update the anchor of this test')
  return text.replace(anchor, "  HumanReviewer: 'HumanReviewer',\n  Sandbox: 'Sandbox',\n} as const")
}

describe('a new verdict source compiles only when every wire form knows it', { timeout: 180_000 }, () => {
  it('as the sources stand: the tables compile and the probe is refused (no such source yet)', () => {
    const found = diagnostics((text) => text)
    for (const table of SOURCE_TABLES) expect(found.get(table) ?? [], table).toEqual([])
    // Every probe line names a source that does not exist yet: 8 refusals, nothing else.
    const probe = found.get(PROBE_FILE) ?? []
    expect(probe).toHaveLength(8)
    for (const message of probe) expect(message).toMatch(/"Sandbox"/)
    expect(Object.fromEntries([...found].filter(([f]) => f !== PROBE_FILE))).toEqual({})
  })

  it('with Sandbox registered: every per-source table fails naming it, and every wire form accepts it', () => {
    const found = diagnostics(ADD_SANDBOX)
    for (const table of SOURCE_TABLES) {
      const messages = found.get(table) ?? []
      expect(messages.length, `${table} must refuse to compile`).toBeGreaterThan(0)
      expect(messages.join('\n'), table).toMatch(/Sandbox/)
    }
    expect(found.get(PROBE_FILE) ?? []).toEqual([])
    // Nothing outside the tables broke: the wire forms derive from the one definition.
    expect([...found.keys()].filter((f) => !SOURCE_TABLES.includes(f))).toEqual([])
  })
})
