/**
 * A project's executed configuration changed by a command that does not name the file: a package
 * manifest rewritten by a tool that edits the `package.json` of its working directory (`ncu -u`,
 * `sort-package-json`, `syncpack fix-mismatches`, `taze -w`), a manifest key set by the package
 * manager (`npm pkg set scripts.postinstall=…`, `npm set-script`), and package-manager settings that
 * decide what runs or whether install scripts run (`script-shell`, `node-options`,
 * `ignore-scripts=false`, `yarnPath`, `enableScripts`), however they are given: `config set`, an
 * `npm_config_*` / `YARN_*` variable, or an option on the command line.
 *
 * Each function returns the reasons a person should look (empty: nothing of the kind). Reading
 * (`ncu` without `-u`, `npm pkg get`, `npm config get`) stays quiet.
 */
import { base, hasFlag, positional } from './classify.ts'

/** Whether an invocation of a manifest rewriter (argv from its bin name) writes the manifest. */
type WritesManifest = (argv: readonly string[], pos: readonly string[]) => boolean

const checkOnly = (argv: readonly string[]): boolean => hasFlag(argv, '--check', '-c', '--dry-run', '--list', '-l', '--help', '-h', '--version', '-v', '-V')

/**
 * Tools that rewrite the `package.json` of their working directory (or the ones they find) without
 * being handed it, by bin and package name, with when they write.
 */
const MANIFEST_REWRITERS: Readonly<Record<string, WritesManifest>> = {
  ncu: (argv) => hasFlag(argv, '-u', '--upgrade', '-i', '--interactive') || argv.some((a) => /^-[a-zA-Z]*u/.test(a) && !a.startsWith('--')),
  taze: (argv) => hasFlag(argv, '-w', '--write', '-I', '--install', '-i', '--interactive'),
  'sort-package-json': (argv) => !checkOnly(argv),
  syncpack: (_argv, pos) => /^(fix|fix-mismatches|format|set-semver-ranges|update|prompt|set)$/.test(pos[0] ?? ''),
  'npm-upgrade': (argv) => !checkOnly(argv),
  fixpack: (argv) => !checkOnly(argv),
  'format-package': (argv) => hasFlag(argv, '-w', '--write'),
  'prettier-package-json': (argv) => hasFlag(argv, '--write', '-w'),
  'npm-check': (argv) => hasFlag(argv, '-u', '--update', '-y', '--update-all'),
  updates: (argv) => hasFlag(argv, '-u', '--update'),
}
/** Package names whose bin differs (`npx npm-check-updates -u` runs `ncu`). */
const REWRITER_BINS: Readonly<Record<string, string>> = { 'npm-check-updates': 'ncu' }
/** An unmodeled tool named for package manifests (`pkg-json-fix`, `fix-package-json`). */
const MANIFEST_TOOL_NAME = /(^|[-_.])(package|pkg)[-_.]?json([-_.]|$)/i

/**
 * A tool rewriting the manifest of its working directory (`ncu -u`, `npx sort-package-json`,
 * `pnpm syncpack format`; argv from the tool's bin name, as a runner's inner command is judged):
 * what it writes — dependency ranges, fields, scripts — is not visible here, and the next install
 * runs it.
 */
export function manifestRewrite(argv: readonly string[]): string | undefined {
  let words = argv
  const name0 = base(words[0] ?? '')
  // `pnpm ncu -u`, `yarn syncpack format`: the package manager runs the tool's bin
  if (/^(npm|pnpm|yarn|bun)$/.test(name0) && words.length > 1) {
    const at = words.findIndex((a, i) => i > 0 && !a.startsWith('-'))
    const sub = at > 0 ? words[at] ?? '' : ''
    const bin = REWRITER_BINS[sub] ?? sub
    if (name0 !== 'npm' && (MANIFEST_REWRITERS[bin] !== undefined || MANIFEST_TOOL_NAME.test(bin))) words = words.slice(at)
    else return undefined
  }
  const spec = (words[0] ?? '').replace(/^((?:@[^/@\s]+\/)?[^/@\s]+)@[^/\s]+$/, '$1')
  const name = REWRITER_BINS[base(spec)] ?? base(spec)
  const pos = positional(words)
  const rewriter = MANIFEST_REWRITERS[name]
  const writes = rewriter !== undefined ? rewriter(words, pos) : MANIFEST_TOOL_NAME.test(name) && !/^(read|get|show|validate|lint|check)/.test(pos[0] ?? '') && !checkOnly(words)
  if (!writes) return undefined
  return `${name} rewrites package.json (${words.join(' ').slice(0, 60)}): the dependency ranges, fields and scripts it writes are not visible here, and the next install runs them`
}

/** Lifecycle scripts npm runs on install (of the package, or of the project). */
const INSTALL_LIFECYCLE = /^(preinstall|install|postinstall|prepare|preprepare|postprepare|prepublish|prepack|postpack|dependencies)$/
/** Manifest keys (besides `scripts`) that decide what runs, or what is installed and built. */
const EXECUTED_MANIFEST_KEYS = /^(bin|directories\.bin|packageManager|devEngines|overrides|resolutions|pnpm|workspaces|config|husky|lint-staged|simple-git-hooks|gitHooks|pre-commit|ghooks|bundleDependencies|bundledDependencies)([.[]|$)/
const DEPENDENCY_KEY = /^(dependencies|devDependencies|optionalDependencies|peerDependencies)[.[]/
/** A dependency spec that is not a registry range: git, URLs, paths, tarballs, aliases. */
const NON_REGISTRY_SPEC = /^(https?:|git\+|git:|github:|gitlab:|bitbucket:|gist:|file:|link:|portal:|patch:|npm:|\.\.?\/|\/|~\/)|\.(tgz|tar\.gz)$|^[\w.-]+\/[\w.-]+(#.*)?$/

/** `npm pkg set KEY=VALUE …` / `npm set-script NAME CMD`: the manifest keys set. */
function manifestSets(argv: readonly string[]): { key: string; value: string }[] | undefined {
  const name = base(argv[0] ?? '')
  const pos = positional(argv)
  if (!/^(npm|pnpm|bun)$/.test(name)) return undefined
  const p = name === 'bun' && pos[0] === 'pm' ? pos.slice(1) : pos
  if (p[0] === 'set-script' && name === 'npm') return p[1] === undefined ? [] : [{ key: `scripts.${p[1]}`, value: p.slice(2).join(' ') }]
  if (p[0] !== 'pkg' || p[1] !== 'set') return undefined
  return p.slice(2).filter((kv) => kv.includes('=')).map((kv) => ({ key: kv.slice(0, kv.indexOf('=')), value: kv.slice(kv.indexOf('=') + 1) }))
}

/**
 * Manifest keys set by the package manager: a script (an install lifecycle script runs on every
 * install; any other is judged as the command line it is, by `judgeLine`), keys that decide what
 * runs or what gets installed, and dependencies from outside the registry.
 */
export function manifestKeyReasons(argv: readonly string[], judgeLine: (line: string) => readonly string[]): string[] {
  const sets = manifestSets(argv)
  if (sets === undefined) return []
  const out: string[] = []
  const json = argv.includes('--json')
  for (const { key, value } of sets) {
    const script = /^scripts(?:\.|\[["']?)([^\]"']+)/.exec(key)?.[1]
    if (key === 'scripts') out.push(`sets package.json's scripts wholesale (${key}${json ? ' --json' : ''}): they run on npm test, npm run and installs`)
    else if (script !== undefined) {
      const why = judgeLine(value)
      if (INSTALL_LIFECYCLE.test(script)) out.push(`plants an install lifecycle script in package.json (scripts.${script}): it runs on every install`)
      if (why.length > 0) out.push(`sets a package.json script (scripts.${script}) that, run, would be refused or asked about: ${why.slice(0, 2).join('; ')}`)
      else if (!INSTALL_LIFECYCLE.test(script)) out.push(`sets a package.json script (scripts.${script}): npm run ${script} will run it`)
    } else if (EXECUTED_MANIFEST_KEYS.test(key)) out.push(`sets package.json's ${key}, which decides what runs or what is installed`)
    else if (DEPENDENCY_KEY.test(key) && NON_REGISTRY_SPEC.test(value.trim())) out.push(`adds a dependency from outside the registry to package.json (${key}=${value.slice(0, 40)}): its install scripts run on the next install`)
  }
  return out
}

/**
 * Package-manager settings that run commands or load code (`script-shell`, `node-options`,
 * `yarnPath`, `init-module`, …) or turn install scripts back on (`ignore-scripts=false`,
 * `enableScripts`, `unsafe-perm`, pnpm's build allow-lists), by normalised key (kebab-case).
 */
const COMMAND_KEYS = /^(script-shell|shell|node-options|git|editor|browser|viewer|node-gyp|init-module|onload-script|yarn-path|global-pnpmfile|pnpmfile|plugins|npm-path)$/
const ENABLING_KEYS = /^(ignore-scripts|enable-scripts|unsafe-perm|dangerously-allow-all-builds|only-built-dependencies|enable-pre-post-scripts)$/
const REGISTRY_KEYS = /^(registry|@[\w.-]+:registry|npm-registry-server|npm-scopes|unsafe-http-whitelist|strict-ssl|enable-strict-ssl)$/
const FALSE_VALUE = /^(false|0|no|off|)$/i

/** `scriptShell`, `SCRIPT_SHELL`, `script_shell` → `script-shell`. */
function kebab(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase()
}

function settingReason(key: string, value: string, how: string): string | undefined {
  const k = kebab(key)
  const v = value.trim().replace(/^(['"])(.*)\1$/s, '$2')
  if (COMMAND_KEYS.test(k)) {
    if (FALSE_VALUE.test(v) || v === 'true') return undefined
    if (k === 'node-options' && /^(\s*--(max-old-space-size|enable-source-maps|no-warnings|no-deprecation|trace-warnings)(=\S*)?)*\s*$/.test(v)) return undefined
    return `sets the package manager's ${k} (${how}): it decides what runs on npm run, install and npx`
  }
  if (REGISTRY_KEYS.test(k)) {
    if (/^(strict-ssl|enable-strict-ssl)$/.test(k) ? !FALSE_VALUE.test(v) : v === '' || /^https:\/\/registry\.(npmjs\.org|yarnpkg\.com)\/?$/.test(v)) return undefined
    return `changes where packages come from (${how}): every later install trusts it`
  }
  if (ENABLING_KEYS.test(k)) {
    const enables = k === 'ignore-scripts' ? FALSE_VALUE.test(v) : !FALSE_VALUE.test(v) || k === 'only-built-dependencies'
    if (enables) return `changes whether install scripts run (${how}): packages' install scripts run on the next install`
  }
  return undefined
}

/** `npm_config_script_shell=…`, `NPM_CONFIG_NODE_OPTIONS=…`, `YARN_ENABLE_SCRIPTS=…`, `pnpm_config_…`: a setting's reason, if any. */
export function settingFromEnv(pair: string): string | undefined {
  const eq = pair.indexOf('=')
  if (eq <= 0) return undefined
  const m = /^(?:npm_config_|pnpm_config_|yarn_|bun_config_)(.+)$/i.exec(pair.slice(0, eq))
  return m?.[1] === undefined ? undefined : settingReason(m[1], pair.slice(eq + 1), pair.slice(0, 60))
}

/**
 * Settings given to the package manager on its command line or by `config set`: `npm config set
 * script-shell x`, `npm set node-options=…`, `yarn config set enableScripts true`, `pnpm config set
 * ignore-scripts false`, `npm --script-shell=x test`, `npm install --ignore-scripts=false`.
 */
export function settingReasons(argv: readonly string[]): string[] {
  const name = base(argv[0] ?? '')
  if (!/^(npm|pnpm|yarn|bun|npx|pnpx)$/.test(name)) return []
  const out: string[] = []
  const pos = positional(argv)
  const setAt = pos[0] === 'set' ? argv.indexOf('set') + 1 : pos[0] === 'config' && pos[1] === 'set' ? argv.indexOf('set', argv.indexOf('config')) + 1 : -1
  if (setAt > 0) {
    // `config set [-g|--location=user|-H] KEY VALUE …` (a value may start with `-`: `--require=x`)
    const rest: string[] = []
    for (let i = setAt; i < argv.length; i += 1) {
      const a = argv[i] as string
      if (a === '--location' || a === '-L') i += 1
      else if (!/^(-g|--global|-H|--home|--json|--location=.*|--no-global)$/.test(a)) rest.push(a)
    }
    for (let i = 0; i < rest.length; i += 1) {
      const a = rest[i] as string
      const eq = a.indexOf('=')
      const reason = eq > 0 ? settingReason(a.slice(0, eq), a.slice(eq + 1), `${name} config set ${a}`.slice(0, 60)) : settingReason(a, rest[i + 1] ?? '', `${name} config set ${a} ${rest[i + 1] ?? ''}`.slice(0, 60))
      if (reason !== undefined) out.push(reason)
      if (eq < 0) i += 1
    }
  }
  // `yarn plugin import x`: a plugin is code yarn loads on every command
  if (name === 'yarn' && pos[0] === 'plugin' && /^(import|runtime-import)$/.test(pos[1] ?? '') && pos[2] !== undefined) {
    out.push(`installs a yarn plugin (${pos.slice(2).join(' ').slice(0, 60)}): code yarn loads on every command`)
  }
  const end = argv.indexOf('--')
  for (const a of argv.slice(1, end > 0 ? end : undefined)) {
    // `--script-shell=x`, `--no-ignore-scripts`, pnpm's `--config.ignore-scripts=false`
    const m = /^--(no-)?(?:config\.)?([a-zA-Z@][\w:@.-]*?)(?:=(.*))?$/s.exec(a)
    if (m === null) continue
    const value = m[1] !== undefined ? 'false' : m[3] ?? 'true'
    const reason = settingReason(m[2] as string, value, a.slice(0, 60))
    if (reason !== undefined) out.push(reason)
  }
  return out
}
