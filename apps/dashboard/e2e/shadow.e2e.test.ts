// @vitest-environment node
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, startServe, type ServeProcess } from './serve-process.ts'

const CHROMIUM = '/usr/bin/chromium'
const DIST = join(REPO_ROOT, 'apps/dashboard/dist/index.html')
const missing = [!existsSync(CHROMIUM) && `Chromium (${CHROMIUM})`, !existsSync(DIST) && `the dashboard build (${DIST})`].filter(Boolean)
if (missing.length > 0 && process.env.PERMIT0_REQUIRE_ALL === '1') {
  throw new Error(`PERMIT0_REQUIRE_ALL=1 but ${missing.join(' and ')} is missing`)
}
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync']

/** The shipped email pack with email.archive made a fixed HIGH tier: the candidate asks where the live policy allows. */
function candidatePacks(): string {
  const root = mkdtempSync(join(tmpdir(), 'permit0-shadow-packs-'))
  cpSync(join(REPO_ROOT, 'packs/permit0/email'), join(root, 'email'), { recursive: true })
  rmSync(join(root, 'email/pack.lock.yaml'))
  const rule = join(root, 'email/risk_rules/archive.yaml')
  writeFileSync(rule, readFileSync(rule, 'utf8').replace(/base:[\s\S]*$/, 'tier: high\nbase:\n  flags:\n    MUTATION: primary\n'))
  return root
}

describe.skipIf(missing.length > 0)('serve --shadow: the Activity view shows the candidate policy (real serve + Chromium)', { timeout: 120_000 }, () => {
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const packs = candidatePacks()

  beforeAll(async () => {
    serve = await startServe(['--shadow', packs])
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS })
    page = await browser.newPage({ viewport: { width: 1400, height: 800 } })
    await page.goto(serve.loginUrl)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    rmSync(packs, { recursive: true, force: true })
  })

  const check = async (body: Record<string, unknown>) => {
    const res = await fetch(`${serve.baseUrl}/api/v1/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  it('the live answer is enforced; the candidate answer is recorded and a difference is highlighted', async () => {
    expect(serve.output()).toContain(`shadow policy: ${packs}`)
    // Live: allow (the candidate would ask a human, but nothing parks for the shadow).
    const archived = await check({ tool_name: 'gmail_archive', parameters: { message_id: 'm1' } })
    expect(archived).toMatchObject({ status: 200, body: { permission: 'allow', action_type: 'email.archive' } })
    const read = await check({ tool_name: 'gmail_read', parameters: { message_id: 'm1' } })
    expect(read).toMatchObject({ status: 200, body: { permission: 'allow' } })

    await page.getByRole('link', { name: 'Activity' }).click()
    const table = page.getByRole('table', { name: 'audit entries' })
    await table.waitFor()
    await table.getByRole('columnheader', { name: 'Shadow' }).waitFor()
    const archiveRow = table.locator('tbody tr', { hasText: 'email.archive' })
    await archiveRow.locator('[data-shadow="differs"]').waitFor()
    expect(await archiveRow.locator('[data-shadow="differs"]').innerText()).toMatch(/≠\s*Human/i)
    expect(await archiveRow.locator('[data-shadow="differs"]').getAttribute('title')).toMatch(/Differs from the live policy \(allow\): Scorer HIGH \d+/)
    const readRow = table.locator('tbody tr', { hasText: 'email.read' })
    await readRow.locator('[data-shadow="same"]').waitFor()
    expect(await readRow.locator('[data-shadow="differs"]').count()).toBe(0)
  })
})
