/**
 * Files handed to a program whose effect on them the analysis does not model. `classify.ts` knows
 * what its programs read and write (`cat` reads, `sed -i` rewrites, `cp` writes its destination);
 * any other program — an unknown binary, a project script, an interpreter running a script file, a
 * package run through `npx`/`pnpm dlx`/`yarn dlx`/`bunx`/`npm exec` — may rewrite whatever file it
 * is given (`npx json -I -f package.json -e …`, `node tools/edit.js package.json`,
 * `./fix.sh .husky/pre-commit`). `handedFiles` says which words of such a command may name files;
 * the caller (`analyze.ts`) resolves them and asks when one is executed configuration.
 *
 * Formatters, linters and compilers get their operands judged as the everyday directory form would
 * (`prettier --write package.json` does no more than `prettier --write .`, which formats that file
 * too: formatting, never a new key); only their option values (`-o out`, `--cache-location=…`)
 * may name a file they write.
 */
import { knownTool, KNOWN_TOOL_PACKAGES } from './package-runners.ts'
import { base, INFO_PROGRAMS, INTERPRETERS, LIST_PROGRAMS, READ_PROGRAMS, SEARCH_PROGRAMS, SHELLS } from './classify.ts'

export interface HandedFiles {
  /** The program as the reason names it (`npx json`, `./fix.sh`, `node tools/edit.js`). */
  readonly program: string
  /** Words that may name files the program writes (option values already split off). */
  readonly files: readonly string[]
}

/** Programs whose file arguments `classify.ts` models: what they write is in their ops, the rest is read. */
const MODELED = new Set([
  ...[...READ_PROGRAMS].filter((p) => p !== 'source' && p !== '.'), ...LIST_PROGRAMS, ...SEARCH_PROGRAMS, ...INFO_PROGRAMS,
  'rm', 'unlink', 'rmdir', 'shred', 'srm', 'trash', 'trash-put', 'find', 'mv', 'cp', 'install', 'ditto', 'ln', 'mkdir',
  'touch', 'mkfifo', 'tar', 'bsdtar', 'unzip', 'zip', '7z', '7za', 'cpio', 'chmod', 'chown', 'chgrp', 'chattr',
  'setfacl', 'chflags', 'truncate', 'sponge', 'sd', 'dasel', 'ed', 'red', 'ex', 'vi', 'vim', 'nvim', 'vimdiff', 'emacs',
  'nano', 'pico', 'micro', 'joe', 'jed', 'kak', 'mcedit', 'hx', 'helix', 'ne', 'patch', 'dd', 'scp', 'rsync', 'sftp',
  'rclone', 'crontab', 'sudoedit', 'visudo', 'ssh-keygen', 'permit0', 'curl', 'wget', 'gunzip', 'gzip', 'xz', 'unxz',
  'bzip2', 'bunzip2', 'zstd', 'unzstd',
])

/** Formatters, linters and compilers: operands are formatted (like the directory form) or read; options may name outputs. */
const OPERAND_SAFE = new Set(['prettier', 'eslint', 'biome', 'dprint', 'stylelint', 'markdownlint', 'markdownlint-cli2',
  'standard', 'xo', 'oxlint', 'taplo', 'black', 'ruff', 'isort', 'autopep8', 'yapf', 'rustfmt', 'gofmt', 'shfmt',
  'clang-format', 'tsc', 'esbuild', 'rollup', 'webpack', 'vite', 'babel', 'swc', 'gcc', 'g++', 'clang', 'clang++', 'cc',
  'rustc', 'javac', 'shellcheck', 'hadolint', 'mypy', 'pyright', 'flake8', 'pylint', 'vitest', 'jest', 'mocha', 'pytest',
  'pre-commit'])
/** The same tools' programs, as `pnpm <tool>` starts them (the packages are `KNOWN_TOOL_PACKAGES`). */
const OPERAND_SAFE_TOOLS = new Set(Object.values(KNOWN_TOOL_PACKAGES).flatMap((r) => Object.values(r)).filter((t) => t.operandSafe).map((t) => t.tool))
/** Options of those tools whose value is a file they write. */
const OUTPUT_OPTIONS = new Set(['-o', '--output', '--out', '--out-file', '--outfile', '--output-file', '--outFile',
  '--out-dir', '--outdir', '--outDir', '-d', '--cache-location', '--cache-file', '--log-file', '--report-file',
  '--output-path', '--junit-xml', '--outputFile', '--metafile'])

/** Package-manager commands whose writes are the manager's own (installs, the version bump, `npm pkg set`: judged in classify). */
const PM_BUILTINS = new Set(['install', 'i', 'in', 'isntall', 'add', 'ci', 'update', 'up', 'upgrade', 'remove', 'rm',
  'uninstall', 'un', 'r', 'unlink', 'link', 'ln', 'prune', 'dedupe', 'ddp', 'audit', 'outdated', 'ls', 'list', 'll', 'la',
  'why', 'view', 'info', 'show', 'v', 'search', 's', 'pack', 'publish', 'unpublish', 'deprecate', 'version', 'pkg',
  'config', 'c', 'set', 'get', 'init', 'create', 'whoami', 'login', 'logout', 'adduser', 'token', 'cache', 'store',
  'root', 'bin', 'prefix', 'doctor', 'env', 'help', 'rebuild', 'rb', 'fetch', 'import', 'licenses', 'owner', 'access',
  'team', 'org', 'profile', 'ping', 'star', 'stars', 'unstar', 'explain', 'fund', 'shrinkwrap', 'sbom', 'query', 'docs',
  'repo', 'bugs', 'home', 'completion', 'setup', 'patch', 'patch-commit', 'patch-remove', 'outdated', 'install-test',
  'it', 'cit', 'clean-install', 'npm', 'constraints', 'dedupe', 'pm', 'upgrade-interactive', 'plugin', 'set-script',
  'hash-string', '--version', '-v', '--help', '-h'])
/** Package-manager commands that run the project's scripts: opaque, every argument is handed on. */
const PM_SCRIPT_RUNNERS = new Set(['run', 'run-script', 'rum', 'urn', 'test', 't', 'tst', 'start', 'stop', 'restart', 'workspace', 'workspaces', 'recursive', '-r'])

/** Options of package runners (and of the manager before its command) that take a value. */
const RUNNER_VALUE_OPTIONS = new Set(['-p', '--package', '--prefix', '-w', '--workspace', '--node-arg', '-n', '--shell',
  '--userconfig', '--registry', '--cache', '--loglevel', '-C', '--dir', '--filter', '-F', '--workspace-concurrency',
  '--reporter', '--from', '--with', '--python', '--spec', '--cwd', '--node-options', '--call'])

function skipRunnerOptions(argv: readonly string[], from: number): { at: number; packageGiven: boolean } {
  let i = from
  let packageGiven = false
  while (i < argv.length) {
    const a = argv[i] as string
    if (a === '--') return { at: i + 1, packageGiven }
    if (!a.startsWith('-') || a === '-') break
    const opt = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a
    if (/^(-p|--package|--from|--with|--spec)$/.test(opt)) packageGiven = true
    i += RUNNER_VALUE_OPTIONS.has(a) ? 2 : 1
  }
  return { at: i, packageGiven }
}

/**
 * The program a package runner starts, with its arguments: `npx [opts] prog …`, `pnpx`, `bunx`,
 * `uvx`, `pipx run`, `npm exec|x`, `pnpm exec|dlx`, `yarn exec|dlx`, `bun x`. Undefined when argv
 * is not a package runner.
 */
export function peelRunner(argv: readonly string[]): { argv: string[]; via: string; packageGiven: boolean } | undefined {
  const name = base(argv[0] ?? '')
  let from: number
  if (['npx', 'pnpx', 'bunx', 'uvx'].includes(name)) from = 1
  else if (['npm', 'pnpm', 'yarn', 'bun', 'pipx'].includes(name)) {
    const sub = skipRunnerOptions(argv, 1).at
    const word = argv[sub] ?? ''
    const runs = name === 'npm' ? /^(exec|x)$/ : name === 'pipx' ? /^run$/ : name === 'bun' ? /^x$/ : /^(exec|dlx)$/
    if (!runs.test(word)) return undefined
    from = sub + 1
  } else return undefined
  const { at, packageGiven } = skipRunnerOptions(argv, from)
  if (at >= argv.length) return undefined
  return { argv: argv.slice(at), via: argv.slice(0, at).filter((a) => !a.startsWith('-')).map((a, i) => (i === 0 ? base(a) : a)).join(' '), packageGiven }
}

/** Words of `args` that may name files: operands, `--opt=value` and `-Xvalue` values, `key=value`, `@file`. */
function fileWords(args: readonly string[]): string[] {
  const out: string[] = []
  for (const a of args) {
    if (a === '' || a === '-' || a === '--') continue
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) continue
    if (a.startsWith('--')) {
      if (a.includes('=')) out.push(a.slice(a.indexOf('=') + 1))
    } else if (a.startsWith('-')) {
      if (a.length > 2) out.push(a.slice(a[2] === '=' ? 3 : 2))
    } else {
      out.push(a)
      const kv = /^[A-Za-z_][\w.-]*=(.+)$/.exec(a)
      if (kv !== null) out.push(kv[1] as string)
      if (a.startsWith('@') && a.length > 1) out.push(a.slice(1))
    }
  }
  return out
}

/** Only the values of output options (formatters, linters, compilers). */
function outputWords(args: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] as string
    const eq = a.indexOf('=')
    if (a.startsWith('-') && eq > 0 && OUTPUT_OPTIONS.has(a.slice(0, eq))) out.push(a.slice(eq + 1))
    else if (OUTPUT_OPTIONS.has(a) && args[i + 1] !== undefined) {
      out.push(args[i + 1] as string)
      i += 1
    }
  }
  return out
}

/** The first word after git's own options (`git -C dir status` → `status`). */
function gitSubcommand(argv: readonly string[]): { sub: string; at: number } {
  let i = 1
  while (i < argv.length && (argv[i] as string).startsWith('-')) i += ['-C', '-c', '--git-dir', '--work-tree', '--namespace'].includes(argv[i] as string) ? 2 : 1
  return { sub: argv[i] ?? '', at: i }
}

/** git commands that only read, or whose writes `classify.ts` models (`checkout`/`restore` paths, `apply`, `rm`, `mv`). */
const GIT_MODELED = /^(status|diff|log|show|blame|annotate|ls-files|ls-tree|cat-file|rev-parse|rev-list|describe|shortlog|add|commit|grep|checkout|restore|apply|am|rm|mv|reset|clean|clone|branch|switch|fetch|pull|push|tag|remote|init|reflog|check-ignore|check-attr|hash-object|whatchanged|range-diff|difftool|merge-base|name-rev|for-each-ref|show-ref|verify-commit|verify-tag|help|version)$/

/**
 * What the command hands to a program the analysis does not model. Undefined when the program is
 * understood (it only reads its arguments, or its writes are modeled in `classify.ts`).
 */
export function handedFiles(argv: readonly string[]): HandedFiles | undefined {
  let words = [...argv]
  let via = ''
  let packageGiven = false
  for (let k = 0; k < 4; k += 1) {
    const peeled = peelRunner(words)
    if (peeled === undefined) break
    words = peeled.argv
    via = via === '' ? peeled.via : `${via} ${peeled.via}`
    packageGiven ||= peeled.packageGiven
  }
  const prog = words[0]
  if (prog === undefined) return undefined
  const args = words.slice(1)
  if (via !== '') {
    // a runner starts a package's bin: only well-known tools get their operands trusted
    const known = packageGiven ? undefined : knownTool(prog, /^(uvx|pipx|uv)\b/.test(via) ? 'pypi' : 'npm')
    const tool = known?.operandSafe === true ? known.tool : undefined
    const program = `${via} ${prog}`
    return { program, files: tool !== undefined ? outputWords(args) : fileWords(args) }
  }
  const name = base(prog)
  if (name === 'git') {
    const { sub, at } = gitSubcommand(words)
    if (GIT_MODELED.test(sub)) {
      // `git diff --output=file`, `git log --output file`: the output is written there
      const rest = words.slice(at + 1)
      const outputs = rest.flatMap((a, i) => (a.startsWith('--output=') ? [a.slice(9)] : a === '--output' && rest[i + 1] !== undefined ? [rest[i + 1] as string] : []))
      return outputs.length > 0 ? { program: `git ${sub}`, files: outputs } : undefined
    }
    return { program: `git ${sub}`, files: fileWords(words.slice(at + 1)) }
  }
  if (['npm', 'pnpm', 'yarn', 'bun'].includes(name)) {
    const at = skipRunnerOptions(words, 1).at
    const sub = words[at] ?? ''
    if (sub === '' || PM_BUILTINS.has(sub)) return undefined
    // `pnpm prettier --write x`, `yarn eslint --fix x`: a well-known tool's bin (a script of that name is the project's own)
    if (name !== 'npm' && OPERAND_SAFE_TOOLS.has(sub)) return { program: `${name} ${sub}`, files: outputWords(words.slice(at + 1)) }
    // `npm run x -- file`, `pnpm <script-or-bin> file`: the project's script gets the arguments
    const scriptAt = PM_SCRIPT_RUNNERS.has(sub) && !/^(test|t|tst|start|stop|restart)$/.test(sub) ? at + 2 : at + 1
    return { program: words.slice(0, Math.min(scriptAt, words.length)).map((a, i) => (i === 0 ? name : a)).join(' '), files: fileWords(words.slice(scriptAt)) }
  }
  if (MODELED.has(name)) {
    // modeled unless an option hands the files to a program of its own
    if (name === 'rg' && args.some((a) => a === '--pre' || a.startsWith('--pre='))) return { program: 'rg --pre', files: fileWords(args) }
    if ((name === 'fd' || name === 'fdfind') && args.some((a) => /^(-x|-X|--exec|--exec-batch)$/.test(a))) return { program: `${name} --exec`, files: fileWords(args) }
    if ((name === 'awk' || name === 'gawk') && args.some((a) => a === '-f' || a.startsWith('--file'))) return { program: `${name} -f`, files: fileWords(args) }
    return undefined
  }
  if (name === 'perl' && args.some((a) => /^-[a-zA-Z]*i/.test(a))) return undefined
  if (OPERAND_SAFE.has(name)) return { program: name, files: outputWords(args) }
  if (SHELLS.has(name) || INTERPRETERS.has(name) || /^python[0-9.]*$/.test(name) || name === 'source' || name === '.') {
    // the script (or `-m module`) is the program; the words after it are handed to it
    const value = SHELLS.has(name) ? ['-o', '+o', '-O', '+O', '--rcfile', '--init-file'] : ['-W', '-X', '-r', '--require', '-I', '--import', '--loader', '--env-file']
    let i = 0
    while (i < args.length && (args[i] as string).startsWith('-') && args[i] !== '-' && args[i] !== '-m') i += value.includes(args[i] as string) ? 2 : 1
    const script = args[i] === '-m' ? args[i + 1] : args[i]
    if (args[i] === '-m') i += 1
    if (script === undefined) return undefined
    // `python -m black x`, `python -m json.tool in [out]`, `deno fmt x`: tools of known effect
    if (args[i - 1] === '-m' && OPERAND_SAFE.has(script) || name === 'deno' && /^(fmt|lint|check|test|bench|doc|info|types)$/.test(script)) {
      return { program: `${name} ${script}`, files: outputWords(args.slice(i + 1)) }
    }
    if (args[i - 1] === '-m' && script === 'json.tool') return { program: `${name} -m json.tool`, files: args.slice(i + 1).filter((a) => !a.startsWith('-')).slice(1) }
    return { program: `${name} ${script}`, files: fileWords(args.slice(i + 1)) }
  }
  return { program: prog, files: fileWords(args) }
}
