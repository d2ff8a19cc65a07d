/**
 * Package runners: commands that start a package's program, and may first download that package
 * from a registry (`npx x`, `npm exec`/`x`, `npm init x`/`create x`, `pnpm dlx`/`create`, `pnpx`,
 * `yarn dlx`/`create`, `bunx`, `bun x`/`create`, `uvx`, `uv tool run`, `uv run --with`,
 * `pipx run`, `deno run npm:x`). Running registry code is remote code: a person decides unless the
 * package is a well-known development tool by its exact registry name (`KNOWN_TOOL_PACKAGES`), with
 * at most a version pin, from the ecosystem's own registry.
 *
 * Runners that only start installed code stay quiet: `pnpm exec x` and `yarn exec x` never fetch
 * (they run local bins and PATH), nor do `npx --no x` / `npm exec --no x` (npm refuses to install a
 * missing package). `npx x` without `--no` installs `x` when it is not installed locally: npm
 * assumes `--yes` when stdin is not a terminal, as for an agent's shell.
 */
import { base } from './classify.ts'

export type Ecosystem = 'npm' | 'pypi'

export interface KnownTool {
  /** The program the package starts, as `handed-files.ts` names it (`typescript` → `tsc`). */
  readonly tool: string
  /** A formatter, linter or compiler: its operands are formatted or read, only output options write. */
  readonly operandSafe: boolean
}

const formatter = (tool: string): KnownTool => ({ tool, operandSafe: true })
const runner = (tool: string): KnownTool => ({ tool, operandSafe: false })

/**
 * Well-known development tools by their exact registry name, per registry (npm's `black` is not
 * PyPI's). A runner may fetch and run these without a person; anything else — a typosquat
 * (`prettierr`), a look-alike scope (`@evil/prettier`), an alias (`prettier@npm:evil`) — asks.
 */
export const KNOWN_TOOL_PACKAGES: Readonly<Record<Ecosystem, Readonly<Record<string, KnownTool>>>> = {
  npm: {
    prettier: formatter('prettier'), eslint: formatter('eslint'), '@biomejs/biome': formatter('biome'),
    dprint: formatter('dprint'), stylelint: formatter('stylelint'), 'markdownlint-cli': formatter('markdownlint'),
    'markdownlint-cli2': formatter('markdownlint-cli2'), standard: formatter('standard'), xo: formatter('xo'),
    oxlint: formatter('oxlint'), '@taplo/cli': formatter('taplo'), typescript: formatter('tsc'), tsc: formatter('tsc'),
    'vue-tsc': formatter('vue-tsc'), esbuild: formatter('esbuild'), rollup: formatter('rollup'), webpack: formatter('webpack'),
    'webpack-cli': formatter('webpack'), vite: formatter('vite'), vitest: formatter('vitest'), jest: formatter('jest'),
    mocha: formatter('mocha'), pyright: formatter('pyright'),
    // they run the project's code or configuration: known packages, but their operands are handed on
    tsx: runner('tsx'), 'ts-node': runner('ts-node'), tsup: runner('tsup'), turbo: runner('turbo'), nx: runner('nx'),
    playwright: runner('playwright'), '@playwright/test': runner('playwright'), prisma: runner('prisma'),
    'drizzle-kit': runner('drizzle-kit'), knip: runner('knip'), depcheck: runner('depcheck'),
    'npm-check-updates': runner('ncu'),
    // the frameworks' own CLIs (`npx next build`, `npx astro dev`): they run the project's code
    next: runner('next'), nuxi: runner('nuxi'), astro: runner('astro'), storybook: runner('storybook'),
    // static file servers (what they publish is judged in analyze.ts, `servedDirectory`)
    'http-server': runner('http-server'), serve: runner('serve'),
    // permit0's own CLI (its commands are judged in analyze.ts, `judgePermit0Cli`); `permit0` is the
    // bin npx finds where the guard is installed
    '@permit0/cli': runner('permit0'), permit0: runner('permit0'),
  },
  pypi: {
    black: formatter('black'), ruff: formatter('ruff'), isort: formatter('isort'), mypy: formatter('mypy'),
    pyright: formatter('pyright'), flake8: formatter('flake8'), pylint: formatter('pylint'), autopep8: formatter('autopep8'),
    yapf: formatter('yapf'), pytest: formatter('pytest'), 'pre-commit': formatter('pre-commit'),
  },
}

/** npm version pins and dist-tags (`3`, `^3.1.0`, `>=3 <4`, `latest`); not a path, URL, git, alias or tarball spec. */
const NPM_VERSION = /^(?![.~])[\w^~<>=*|+ .-]+$/
const TARBALL = /\.(tgz|tar|tar\.gz)$/i
/** PyPI: `name[extras]` then `@version` (uv) or PEP 440 specifiers (`==1.2`, `>=1,<2`); never `@ URL`. */
const PYPI_SPEC = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(\[[A-Za-z0-9._,-]+\])?(@[\w.+!*-]+|(\s*(===|==|!=|~=|>=|<=|<|>)\s*[\w.*+!-]+\s*,?)*)$/

/** The known tool a package spec names, when it is one (`prettier@3` → prettier; `prettier@npm:x` → undefined). */
export function knownTool(spec: string, ecosystem: Ecosystem): KnownTool | undefined {
  if (ecosystem === 'pypi') {
    const m = PYPI_SPEC.exec(spec)
    if (m === null) return undefined
    return KNOWN_TOOL_PACKAGES.pypi[(m[1] as string).toLowerCase().replace(/[-_.]+/g, '-')]
  }
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0)
  const name = at < 0 ? spec : spec.slice(0, at)
  const version = at < 0 ? undefined : spec.slice(at + 1)
  if (version !== undefined && (!NPM_VERSION.test(version) || TARBALL.test(version))) return undefined
  return Object.hasOwn(KNOWN_TOOL_PACKAGES.npm, name) ? KNOWN_TOOL_PACKAGES.npm[name] : undefined
}

/** One runner on the line, parsed. */
export interface RunnerLayer {
  /** The runner as reasons name it (`npx`, `pnpm dlx`, `uv tool run`, `npm init`). */
  readonly via: string
  readonly ecosystem: Ecosystem
  /** It may download packages from a registry. */
  readonly fetches: boolean
  /** Package specs it may download (`-p` values, `--from`/`--with`, else the program's spec). */
  readonly packages: readonly string[]
  /** A package was named by an option (`-p`, `--package`, `--from`, `--spec`): the program is another word. */
  readonly packageGiven: boolean
  /** What it runs: the program word (a spec for fetching runners) and its arguments. */
  readonly argv: readonly string[]
  /** Where else the argv may start, when an option the grammar does not know may take a value. */
  readonly alternatives: readonly (readonly string[])[]
  /** Options the grammar does not know (what they change is not clear). */
  readonly unknownOptions: readonly string[]
  /** Options that point the runner at another registry, index or config file. */
  readonly sources: readonly string[]
}

interface Grammar {
  /** Options that take the next word as their value. */
  readonly value: ReadonlySet<string>
  /** Options known to take no value. */
  readonly flag: ReadonlySet<string>
  /** Options whose value is a package to fetch. */
  readonly pkg: ReadonlySet<string>
}

/** Options that change where packages come from (registry, index, config file): the name alone is no longer the known tool. */
const SOURCE_OPTION = /^--?(registry|index|index-url|extra-index-url|default-index|find-links|f|i|userconfig|globalconfig|config-file|pip-args|config\..*|@[^=]*:registry|cert|cafile|trusted-host)$/

const set = (s: string): ReadonlySet<string> => new Set(s.split(' '))
const NPM: Grammar = {
  value: set('-p --package -c --call --prefix -w --workspace --loglevel --cache --node-options --script-shell -C --dir --filter -F --reporter --allow-build --cpu --os --libc --node-arg -n --shell'),
  flag: set('-y --yes --no --no-install --no-yes -q --quiet --silent -s --ws --workspaces --include-workspace-root --offline --prefer-offline --prefer-online --verbose -d -dd -ddd --color --no-color --shell-mode --bun --ignore-scripts -r --recursive --workspace-root --stream --parallel --no-bail --json'),
  pkg: set('-p --package'),
}
const PYPI: Grammar = {
  value: set('--from --with --with-editable --with-requirements --python -p --python-preference --env-file --cache-dir --directory --project --spec --backend -c --constraints --overrides --build-constraints --index-strategy --keyring-provider --resolution --prerelease --exclude-newer --color --python-platform --refresh-package --reinstall-package --package --extra --group --only-group --no-group --allow-insecure-host'),
  flag: set('-q --quiet -v --verbose -vv --isolated --offline --no-cache -n --refresh --reinstall --native-tls --no-progress --managed-python --no-managed-python --no-python-downloads --no-config --system-site-packages --pypackages --no-sync --frozen --locked --no-dev --all-extras --no-project --active --exact --upgrade -U --no-build-isolation --compile-bytecode --no-env-file'),
  pkg: set('--from --with --with-editable --with-requirements --spec'),
}

/** Parses runner options from `argv[from]`; stops at the program word (or after `--`). */
function scan(argv: readonly string[], from: number, g: Grammar): { at: number; pkgs: string[]; unknown: string[]; sources: string[]; alts: number[]; flags: string[] } {
  const out = { at: argv.length, pkgs: [] as string[], unknown: [] as string[], sources: [] as string[], alts: [] as number[], flags: [] as string[] }
  let i = from
  while (i < argv.length) {
    const a = argv[i] as string
    if (a === '--') {
      out.at = i + 1
      return out
    }
    if (!a.startsWith('-') || a === '-') {
      out.at = i
      return out
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1
    const opt = eq > 0 ? a.slice(0, eq) : a
    const takes = eq < 0 && g.value.has(opt)
    const value = eq > 0 ? a.slice(eq + 1) : takes ? argv[i + 1] : undefined
    out.flags.push(eq > 0 ? a : opt)
    if (SOURCE_OPTION.test(opt)) out.sources.push(value === undefined ? opt : `${opt} ${value}`)
    if (g.pkg.has(opt) && value !== undefined) out.pkgs.push(value)
    if (SOURCE_OPTION.test(opt) && eq < 0 && !g.flag.has(opt)) i += 2
    else if (takes) i += 2
    else {
      if (eq < 0 && !g.flag.has(opt) && !SOURCE_OPTION.test(opt)) {
        out.unknown.push(opt)
        // the option may take the next word as its value: the program may start one word later
        if (argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('-')) out.alts.push(i + 2)
      } else if (eq > 0 && !g.value.has(opt) && !g.flag.has(opt) && !SOURCE_OPTION.test(opt) && !g.pkg.has(opt)) out.unknown.push(opt)
      i += 1
    }
  }
  return out
}

const NPM_YES = /^(-y|--yes|--yes=true)$/
const NPM_NO = /^(--no|--no-install|--no-yes|--yes=false)$/

/** `npm init x` → `create-x`, `npm init @s` → `@s/create`, `npm init @s/x@1` → `@s/create-x@1`. */
function initializerPackage(spec: string): string {
  if (spec.startsWith('@')) {
    const slash = spec.indexOf('/')
    if (slash < 0) {
      const at = spec.indexOf('@', 1)
      return at < 0 ? `${spec}/create` : `${spec.slice(0, at)}/create${spec.slice(at)}`
    }
    return `${spec.slice(0, slash)}/create-${spec.slice(slash + 1)}`
  }
  return /^[\w.-]+(@.*)?$/.test(spec) ? `create-${spec}` : spec
}

/** Options of the package managers before their command (`pnpm -w` takes no value, `npm -w` does). */
const MANAGER_OPTIONS: Readonly<Record<string, Grammar>> = {
  npm: { value: set('-w --workspace --prefix --loglevel --cache -p --package -c --call'), flag: NPM.flag, pkg: NPM.pkg },
  pnpm: {
    value: set('-C --dir --filter -F --filter-prod --reporter --loglevel --workspace-concurrency -p --package --allow-build'),
    flag: set('-w --workspace-root -r --recursive --silent --stream --parallel --no-bail --bail --sort --no-sort --reverse --aggregate-output --color --no-color --offline --prefer-offline --shell-mode -c -y --yes --verbose'),
    pkg: NPM.pkg,
  },
  yarn: { value: set('--cwd -p --package'), flag: set('--silent -s --verbose -q --quiet --offline --prefer-offline'), pkg: NPM.pkg },
  bun: { value: set('--cwd -c --config -p --package'), flag: set('--silent --bun --verbose'), pkg: NPM.pkg },
}

function parseManagerCommand(argv: readonly string[], name: string, at: number, pre: ReturnType<typeof scan>): RunnerLayer | undefined {
  const sub = argv[at] ?? ''
  const grammar = name === 'pnpm' ? MANAGER_OPTIONS.pnpm as Grammar : NPM
  const s = scan(argv, at + 1, grammar)
  const merged = { ...s, pkgs: [...pre.pkgs, ...s.pkgs], unknown: [...pre.unknown, ...s.unknown], sources: [...pre.sources, ...s.sources], flags: [...pre.flags, ...s.flags] }
  const via = `${name} ${sub}`
  const layer = (fetches: boolean, packages?: string[]): RunnerLayer => {
    const rest = argv.slice(s.at)
    return {
      via, ecosystem: 'npm', fetches, packages: packages ?? (merged.pkgs.length > 0 ? merged.pkgs : rest.slice(0, 1)), packageGiven: merged.pkgs.length > 0,
      argv: rest, alternatives: s.alts.filter((k) => k < argv.length).map((k) => argv.slice(k)), unknownOptions: merged.unknown, sources: merged.sources,
    }
  }
  if (name === 'npm' && (sub === 'exec' || sub === 'x')) {
    const fetches = merged.flags.some((f) => NPM_YES.test(f)) || !merged.flags.some((f) => NPM_NO.test(f))
    const shell = merged.flags.some((f) => f === '-c' || f === '--call')
    return layer(fetches && (!shell || merged.pkgs.length > 0), shell ? merged.pkgs : undefined)
  }
  if ((name === 'pnpm' || name === 'yarn') && sub === 'dlx' || name === 'bun' && sub === 'x') {
    // `pnpm dlx -c 'cmd'` (shell mode): the packages are the `--package` values, else not visible
    const shell = name === 'pnpm' && merged.flags.some((f) => f === '-c' || f === '--shell-mode')
    return layer(true, shell ? merged.pkgs : undefined)
  }
  if ((name === 'pnpm' || name === 'yarn') && sub === 'exec') return layer(false, [])
  if (sub === 'create' || name === 'npm' && (sub === 'init' || sub === 'innit')) {
    // an initializer package: `npm init vite` runs create-vite (bare `npm init` writes package.json)
    const spec = argv[s.at]
    if (spec === undefined) return undefined
    return layer(true, [name === 'bun' && /[/:]/.test(spec) ? spec : initializerPackage(spec)])
  }
  return undefined
}

/** The runner `argv` starts, parsed; undefined when argv does not start one. */
export function parseRunner(argv: readonly string[]): RunnerLayer | undefined {
  const name = base(argv[0] ?? '')
  const layer = (via: string, ecosystem: Ecosystem, fetches: boolean, s: ReturnType<typeof scan>, packages?: string[]): RunnerLayer => {
    const rest = argv.slice(s.at)
    const pkgs = packages ?? (s.pkgs.length > 0 ? s.pkgs : rest.slice(0, 1))
    return {
      via, ecosystem, fetches, packages: pkgs, packageGiven: s.pkgs.length > 0, argv: rest,
      alternatives: s.alts.filter((k) => k < argv.length).map((k) => argv.slice(k)), unknownOptions: s.unknown, sources: s.sources,
    }
  }
  if (name === 'npx' || name === 'pnpx' || name === 'bunx') {
    const s = scan(argv, 1, NPM)
    if (name !== 'npx') return layer(name, 'npm', true, s)
    const fetches = s.flags.some((f) => NPM_YES.test(f)) || !s.flags.some((f) => NPM_NO.test(f))
    // `npx -c 'cmd'`: a shell with the `-p` packages (none: only installed bins) on PATH
    const shell = s.flags.some((f) => f === '-c' || f === '--call')
    return layer(name, 'npm', fetches && (!shell || s.pkgs.length > 0), s, shell ? s.pkgs : undefined)
  }
  if (name === 'uvx') return layer(name, 'pypi', true, scan(argv, 1, PYPI))
  if (['npm', 'pnpm', 'yarn', 'bun'].includes(name)) {
    // the manager's own options come first (`pnpm -w dlx x`, `npm --yes exec x`); where an unknown
    // option may have taken a value, the command may start one word later
    const pre = scan(argv, 1, MANAGER_OPTIONS[name] as Grammar)
    for (const at of [pre.at, ...pre.alts]) {
      const l = parseManagerCommand(argv, name, at, pre)
      if (l !== undefined) return l
    }
    return undefined
  }
  if (name === 'uv' && argv[1] === 'tool' && argv[2] === 'run') return layer('uv tool run', 'pypi', true, scan(argv, 3, PYPI))
  if (name === 'uv' && argv[1] === 'run') {
    // the project's environment; `--with` adds packages from the index
    const s = scan(argv, 2, PYPI)
    return { ...layer('uv run', 'pypi', s.pkgs.length > 0, s, s.pkgs), packageGiven: true }
  }
  if (name === 'pipx' && argv[1] === 'run') return layer('pipx run', 'pypi', true, scan(argv, 2, PYPI))
  if (name === 'deno' && (argv[1] === 'run' || argv[1] === 'x')) {
    // `deno run npm:x`, `jsr:…`, a URL: fetched; a local script is the project's own
    const i = argv.findIndex((a, k) => k > 1 && !a.startsWith('-'))
    const spec = i < 0 ? '' : (argv[i] as string)
    const remote = /^(npm|jsr|https?):/i.test(spec)
    return {
      via: `deno ${argv[1]}`, ecosystem: 'npm', fetches: remote, packages: remote ? [spec.replace(/^npm:/i, '')] : [], packageGiven: false,
      argv: i < 0 ? [] : argv.slice(i), alternatives: [], unknownOptions: [], sources: [],
    }
  }
  return undefined
}

/** A package download the analysis cannot vouch for, with the reason a person reads. */
export interface RegistryFetch {
  readonly via: string
  readonly packages: readonly string[]
  readonly reason: string
}

const INSTALLED: Readonly<Record<Ecosystem, string>> = {
  npm: 'installed tools run without asking through `npx --no`, `pnpm exec` or `./node_modules/.bin`',
  pypi: "installed tools run without asking through `uv run` or the project's virtualenv",
}
/** Environment variables that point a runner at another registry or index. */
const SOURCE_ENV = /^(npm_config_|NPM_CONFIG_|YARN_|PNPM_|BUN_CONFIG_|UV_|PIP_|PIPX_)\w*(REGISTRY|INDEX|FIND_LINKS|USERCONFIG|GLOBALCONFIG|CONFIG_FILE)\w*=/i

/**
 * Every package a runner on this command may download and run that is not a well-known tool from
 * its own registry, through nested runners (`pnpm exec npx x`, `npx -p a npx b`). `env`: the
 * command's `NAME=value` assignments.
 */
export function registryFetches(argv: readonly string[], env: readonly string[] = []): RegistryFetch[] {
  const out: RegistryFetch[] = []
  const envSources = env.filter((e) => SOURCE_ENV.test(e)).map((e) => e.slice(0, e.indexOf('=')))
  const visit = (words: readonly string[], depth: number): void => {
    if (depth > 6) return
    const l = parseRunner(words)
    if (l === undefined) return
    if (l.fetches) {
      const unknown = l.packages.filter((p) => knownTool(p, l.ecosystem) === undefined)
      const named = l.packages.length > 0 ? l.packages.join(', ') : l.via
      if (l.packages.length === 0) {
        out.push({ via: l.via, packages: [], reason: `${l.via} may download a package from the registry and run it; which one is not visible here` })
      } else if (unknown.length > 0) {
        const where = unknown.every((p) => /^(https?|jsr):/i.test(p)) ? '' : ' from the registry'
        out.push({ via: l.via, packages: unknown, reason: `${l.via} may download ${unknown.join(', ')}${where} and run it: not a well-known development tool (${INSTALLED[l.ecosystem]})` })
      } else if (l.unknownOptions.length > 0) {
        out.push({ via: l.via, packages: l.packages, reason: `${l.via} ${named} with an option the analysis does not know (${l.unknownOptions.join(' ')}): what it downloads and runs is not clear` })
      } else if (l.sources.length > 0 || envSources.length > 0) {
        out.push({ via: l.via, packages: l.packages, reason: `${l.via} downloads ${named} from a registry or index other than the ecosystem's own (${[...l.sources, ...envSources].join(', ')}) and runs it` })
      }
    }
    // what the runner starts may be a runner itself
    const inner = l.fetches && !l.packageGiven && l.argv[0] !== undefined ? [l.argv[0].replace(/(?<=.)@.*$/, ''), ...l.argv.slice(1)] : l.argv
    visit(inner, depth + 1)
    for (const alt of l.alternatives) visit(alt, depth + 1)
  }
  visit(argv, 0)
  return out
}
