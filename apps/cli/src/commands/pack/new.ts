import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { Command } from 'commander'
import { ExitCode, processIo, type CommandIo } from './io.ts'
import type { CliContext } from '../../env.ts'
import { cliAsset } from '../../package-root.ts'

export interface PackNewOptions {
  /** `<owner>/<name>` */
  readonly id: string
  /** Packs root to create the pack in (default `./packs`). */
  readonly packsDir?: string
}

export interface PackNewDeps {
  readonly io: CommandIo
  readonly cwd: string
  /** Template dir; default `<packsDir>/_template`, else the repo's `packs/_template`. */
  readonly templateDir?: string
}

const SLUG = /^[a-z0-9][a-z0-9_-]*$/
const shippedTemplate = (): string | undefined => cliAsset(['packs/_template', '../../packs/_template'], 'pack.yaml')

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`
    if (e.isDirectory()) out.push(...listFiles(dir, r))
    else if (e.isFile()) out.push(r)
  }
  return out.sort()
}

/** Scaffolds `<packsDir>/<owner>/<name>` from the template, replacing TODO_OWNER/NAME/SOURCE. */
export function runPackNew(options: PackNewOptions, deps: PackNewDeps): number {
  const { io } = deps
  const parts = options.id.split('/')
  if (parts.length !== 2 || !parts.every((p) => SLUG.test(p))) {
    io.stderr(`error: expected <owner>/<name> with lowercase letters, digits, '-' or '_' (e.g. acme/mail), got '${options.id}'`)
    return ExitCode.Usage
  }
  const [owner, name] = parts as [string, string]
  const packsDir = resolve(deps.cwd, options.packsDir ?? 'packs')
  const template = deps.templateDir ?? (existsSync(join(packsDir, '_template')) ? join(packsDir, '_template') : (shippedTemplate() ?? join(packsDir, '_template')))
  if (!existsSync(template) || !statSync(template).isDirectory()) {
    io.stderr(`error: template not found: ${template}`)
    return ExitCode.Usage
  }
  const target = join(packsDir, owner, name)
  if (existsSync(target)) {
    io.stderr(`error: ${target} already exists`)
    return ExitCode.Usage
  }
  const sub = (s: string): string =>
    s.replaceAll('TODO_OWNER', owner).replaceAll('TODO_NAME', name).replaceAll('TODO_SOURCE', name)
  const created: string[] = []
  for (const rel of listFiles(template)) {
    const dest = join(target, sub(rel))
    mkdirSync(dirname(dest), { recursive: true })
    if (rel.endsWith('.gitkeep')) continue
    const bytes = readFileSync(join(template, rel))
    const text = bytes.toString('utf8')
    if (Buffer.from(text, 'utf8').equals(bytes)) writeFileSync(dest, sub(text))
    else cpSync(join(template, rel), dest)
    created.push(relative(deps.cwd, dest))
  }
  io.stdout(`Created ${relative(deps.cwd, target) || target}:`)
  for (const c of created) io.stdout(`  ${c}`)
  io.stdout(
    [
      'Next steps:',
      '  1. edit pack.yaml (description, action_types, sources)',
      `  2. rename and fill in normalizers/${name}/TODO_VERB.yaml`,
      '  3. rename and fill in risk_rules/TODO_VERB.yaml',
      '  4. add fixtures under fixtures/',
      `  5. permit0 pack validate ${relative(deps.cwd, target)} && permit0 pack lock ${relative(deps.cwd, target)}`,
    ].join('\n'),
  )
  return ExitCode.Ok
}

export function packNewCommand(ctx: CliContext, io: CommandIo = processIo): Command {
  return new Command('new')
    .description('Scaffold a new pack from packs/_template')
    .argument('<owner/name>', 'pack id, e.g. acme/mail')
    .option('--packs-dir <dir>', 'packs root to create it in (default: PERMIT0_PACKS_DIR, then ./packs)')
    .addHelpText('after', '\nExample:\n  $ permit0 pack new acme/mail\n')
    .action((id: string, opts: { packsDir?: string }) => {
      const packsDir = opts.packsDir ?? (ctx.env.PERMIT0_PACKS_DIR || undefined)
      process.exitCode = runPackNew({ id, ...(packsDir ? { packsDir } : {}) }, { io, cwd: process.cwd() })
    })
}
