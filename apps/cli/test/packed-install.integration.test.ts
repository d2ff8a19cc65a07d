/**
 * Installed like a user would: every public package packed with `pnpm pack` (which rewrites
 * `workspace:`/`catalog:` ranges), the tarballs installed with npm into a fresh project outside
 * the workspace, and the product used from there — `npx permit0 --version`, `check` with the
 * shipped packs, `serve --ui` (health, dashboard) and the plain `.mjs` of docs/embedding.md.
 * Needs the build (`pnpm build`; `pnpm test` builds first) and the npm registry.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './helpers/in-process.ts'

const run = promisify(execFile)
const PUBLIC = ['packages/domain', 'packages/engine', 'packages/contracts', 'packages/client', 'packages/approvals', 'packages/store', 'apps/cli']
const work = mkdtempSync(join(tmpdir(), 'permit0-packed-'))
const project = join(work, 'project')
const home = join(work, 'home')
const tarballs: string[] = []
// npm's cache outside HOME and kept between runs (the registry is slow; HOME is a temp dir).
const env = {
  ...process.env,
  HOME: home,
  npm_config_cache: join(tmpdir(), 'permit0-npm-cache'),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
}
const shippedPacks = () => join(project, 'node_modules/@permit0/cli/packs')
const npx = (args: string[], input?: string) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile('npx', ['--no-install', ...args], { cwd: project, env }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
    child.stdin?.end(input ?? '')
  })

beforeAll(async () => {
  for (const dir of [...PUBLIC, 'apps/dashboard']) {
    const built = dir === 'apps/dashboard' ? 'dist/index.html' : dir === 'apps/cli' ? 'dist/bin.js' : 'dist/index.js'
    if (!existsSync(join(REPO_ROOT, dir, built))) throw new Error(`${dir}/${built} missing: run \`pnpm build\` first`)
  }
  for (const dir of PUBLIC) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', work], { cwd: join(REPO_ROOT, dir), env: process.env })
    const tgz = stdout.trim().split('\n').at(-1)!.trim()
    tarballs.push(tgz.startsWith('/') ? tgz : join(work, tgz))
  }
  await run('mkdir', ['-p', project, home])
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'permit0-user', private: true, type: 'module' }))
  await run('npm', ['install', '--no-package-lock', ...tarballs], { cwd: project, env, timeout: 600_000 })
}, 900_000)
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000)

describe('the packed packages, installed with npm outside the workspace', { timeout: 120_000 }, () => {
  it('carry no workspace: or catalog: ranges, a licence, and built entry points', async () => {
    for (const tgz of tarballs) {
      const { stdout } = await run('tar', ['-xzOf', tgz, 'package/package.json'])
      expect(stdout, tgz).not.toMatch(/"(workspace|catalog):/)
      const manifest = JSON.parse(stdout) as { private?: boolean; license?: string; files?: string[] }
      expect(manifest.private).toBeUndefined()
      expect(manifest.license).toBe('MIT')
      const { stdout: list } = await run('tar', ['-tzf', tgz])
      expect(list).toContain('package/LICENSE')
      expect(list).not.toMatch(/package\/src\//)
    }
  })

  it('npx permit0 --version prints the CLI version', async () => {
    const r = await npx(['permit0', '--version'])
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'apps/cli/package.json'), 'utf8')).version)
  })

  it('npx permit0 check decides Bash calls with the shipped packs', async () => {
    const deny = await npx(['permit0', 'check', '--packs-dir', shippedPacks()], JSON.stringify({ tool_name: 'Bash', parameters: { command: 'rm -rf ~' } }))
    expect(deny.code, deny.stderr).toBe(2)
    expect(deny.stdout).toMatch(/^DENY\s+file\.delete_recursive/)
    const allow = await npx(['permit0', 'check', '--packs-dir', shippedPacks()], JSON.stringify({ tool_name: 'Bash', parameters: { command: 'git status' } }))
    expect(allow.code, allow.stderr).toBe(0)
    expect(allow.stdout).toMatch(/^ALLOW/)
  })

  it('npx permit0 serve --ui answers health and serves the dashboard at /ui/', async () => {
    const child: ChildProcess = spawn('npx', ['--no-install', 'permit0', 'serve', '--ui', '--port', '0', '--data-dir', join(work, 'data'), '--packs-dir', shippedPacks()], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        const onData = (c: Buffer) => {
          out += c.toString()
          const m = /listening on (http:\/\/\S+)/.exec(out)
          if (m?.[1]) resolve(m[1])
        }
        child.stderr?.on('data', onData)
        child.stdout?.on('data', onData)
        child.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${out}`)))
      })
      const health = await fetch(`${url}/api/v1/health`)
      expect(health.status).toBe(200)
      const ui = await fetch(`${url}/ui/`)
      expect(ui.status).toBe(200)
      expect(ui.headers.get('content-type')).toContain('text/html')
      expect(await ui.text()).toMatch(/<script[^>]+src="\/ui\/assets\//)
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM')
    }
  })

  it('the decide.mjs of docs/embedding.md imports @permit0/engine and decides a call', async () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/embedding.md'), 'utf8')
    const section = doc.slice(doc.indexOf('## Installed from npm'))
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1]
    expect(code).toBeDefined()
    writeFileSync(join(project, 'decide.mjs'), code!)
    const { stdout } = await run(process.execPath, ['decide.mjs'], { cwd: project, env })
    expect(stdout.trim()).toMatch(/^deny file\.delete_recursive \S/)
    expect(code).toContain(`// → ${stdout.trim()}`)
  })
})
