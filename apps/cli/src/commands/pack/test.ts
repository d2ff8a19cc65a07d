import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import {
  createEngine,
  createMemoryPolicyStore,
  loadPackSet,
  parseYaml,
  type JsonObject,
  type JsonValue,
} from '@permit0/engine'
import { z } from 'zod'
import { readPackDir } from '../../packs/index.ts'
import { ExitCode, processIo, type CommandIo } from './io.ts'
import { runPackValidate } from './validate.ts'

/** A pack fixture (`fixtures/*.yaml`, `tests/**\/*.yaml`). At least one expectation is required. */
const FixtureSchema = z
  .object({
    name: z.string().optional(),
    tool_name: z.string(),
    parameters: z.unknown(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    org_domain: z.string().optional(),
    expected_action_type: z.string().optional(),
    expected_parameters: z.record(z.string(), z.unknown()).optional(),
    expected_permission: z.string().optional(),
    expected_tier: z.string().optional(),
  })
  .strict()
  .refine((f) => f.expected_action_type ?? f.expected_permission ?? f.expected_tier ?? f.expected_parameters, {
    message: 'a fixture needs at least one expected_* key',
  })

export interface PackTestOptions {
  readonly path: string
}

export interface PackTestDeps {
  readonly io: CommandIo
  readonly nowMs: number
}

function fixtureFiles(packDir: string): string[] {
  const out: string[] = []
  const walk = (rel: string): void => {
    let entries
    try {
      entries = readdirSync(join(packDir, rel), { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = `${rel}/${e.name}`
      if (e.isDirectory()) walk(r)
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(r)
    }
  }
  walk('fixtures')
  walk('tests')
  return out
}

const normPermission = (p: string): string => {
  const s = p.toLowerCase()
  return s === 'humanintheloop' ? 'human' : s
}

/** Validates, then runs the pack's fixtures through an engine built from this pack alone. */
export async function runPackTest(options: PackTestOptions, deps: PackTestDeps): Promise<number> {
  const { io } = deps
  const code = runPackValidate(options, io)
  if (code !== ExitCode.Ok) return code
  const loaded = loadPackSet(readPackDir(options.path), { layout: 'single' })
  if (!loaded.ok) return ExitCode.Usage
  const engine = createEngine({ packSet: loaded.packSet, orgDomain: 'test.org' })
  let passed = 0
  let failed = 0
  for (const rel of fixtureFiles(options.path)) {
    const where = join(options.path, rel)
    const parsed = parseYaml(readFileSync(where, 'utf8'))
    const fx = FixtureSchema.safeParse(parsed.value)
    if (!fx.success) {
      failed++
      io.stderr(`✗ ${where}: invalid fixture: ${fx.error.issues.map((i) => `${i.path.join('.') || '<root>'}: ${i.message}`).join('; ')}`)
      continue
    }
    const f = fx.data
    const problems: string[] = []
    try {
      const call = { toolName: f.tool_name, parameters: (f.parameters ?? null) as JsonValue, metadata: (f.metadata ?? {}) as JsonObject }
      const ctx = { orgDomain: f.org_domain ?? 'test.org' }
      const action = engine.normalize(call, ctx)
      if (f.expected_action_type !== undefined && action.actionType !== f.expected_action_type) {
        problems.push(`action_type: expected ${f.expected_action_type}, got ${action.actionType}`)
      }
      for (const [k, v] of Object.entries(f.expected_parameters ?? {})) {
        if (JSON.stringify(action.parameters[k]) !== JSON.stringify(v)) {
          problems.push(`parameters.${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(action.parameters[k])}`)
        }
      }
      if (f.expected_permission !== undefined || f.expected_tier !== undefined) {
        const verdict = await engine.check(call, { store: createMemoryPolicyStore(), nowMs: deps.nowMs, orgDomain: ctx.orgDomain })
        if (f.expected_permission !== undefined && normPermission(f.expected_permission) !== verdict.permission) {
          problems.push(`permission: expected ${f.expected_permission}, got ${verdict.permission}`)
        }
        const tier = verdict.risk?.tier ?? 'NONE'
        if (f.expected_tier !== undefined && f.expected_tier.toUpperCase() !== tier) {
          problems.push(`tier: expected ${f.expected_tier}, got ${tier}`)
        }
      }
    } catch (err) {
      problems.push(`error: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (problems.length === 0) {
      passed++
      io.stdout(`✓ ${where}`)
    } else {
      failed++
      io.stderr(`✗ ${where}: ${problems.join('; ')}`)
    }
  }
  io.stdout(`${passed} passed, ${failed} failed`)
  if (failed > 0) return ExitCode.Failure
  io.stdout('Pack test passed.')
  return ExitCode.Ok
}

export function packTestCommand(io: CommandIo = processIo): Command {
  return new Command('test')
    .description('Validate a pack, then run its fixtures (fixtures/, tests/) through an engine built from it')
    .argument('<path>', 'pack directory')
    .addHelpText(
      'after',
      '\nFixture keys: tool_name, parameters, metadata?, org_domain? (default test.org),\n' +
        'expected_action_type?, expected_parameters?, expected_permission?, expected_tier?\n\n' +
        'Example:\n  $ permit0 pack test packs/permit0/email\n',
    )
    .action(async (path: string) => {
      process.exitCode = await runPackTest({ path }, { io, nowMs: Date.now() })
    })
}
