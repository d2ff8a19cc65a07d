// Chromium against a real `serve --ui` with tokens: the strict CSP breaks nothing, and the
// dashboard signs in with a token and hides what the role cannot do.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createStore, type Store } from '@permit0/store'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ServerHandle } from '../src/server/start-server.ts'
import { REPO_ROOT, startTestServer } from './helpers/in-process.ts'

vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 })

const CHROMIUM = '/usr/bin/chromium'
const DIST = join(REPO_ROOT, 'apps/dashboard/dist')
const missing = [!existsSync(CHROMIUM) && 'Chromium', !existsSync(join(DIST, 'index.html')) && 'the dashboard build'].filter(Boolean)
if (missing.length > 0 && process.env.PERMIT0_REQUIRE_ALL === '1') {
  throw new Error(`PERMIT0_REQUIRE_ALL=1 but ${missing.join(' and ')} is missing`)
}
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

describe.skipIf(missing.length > 0)('dashboard under the CSP, signed in with tokens', () => {
  let store: Store
  let server: ServerHandle
  let browser: Browser
  const secrets: Record<string, string> = {}

  beforeAll(async () => {
    store = createStore({ kind: 'embedded' })
    await store.migrate()
    for (const [name, role] of [['val', 'viewer'], ['ada', 'approver'], ['bot', 'agent']] as const) {
      secrets[role] = (await store.tokens.create({ name, role, nowMs: 1 })).secret
    }
    server = await startTestServer({ ui: true, uiDir: DIST }, { store })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await store?.close()
  })

  async function open() {
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text())
    })
    page.on('pageerror', (e) => violations.push(e.message))
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v))
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))",
    })
    return { page, violations }
  }

  async function signIn(page: Page, secret: string, expected: string) {
    await page.getByLabel('API token').fill(secret)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText(expected).waitFor()
  }

  it('asks for a token, signs a viewer in, renders every view without a CSP violation, hides decisions', async () => {
    const { page, violations } = await open()
    await page.goto(`${server.url}/ui/`)
    await signIn(page, secrets.viewer!, 'val · viewer')
    for (const view of ['activity', 'overview', 'policies', 'approvals']) {
      await page.goto(`${server.url}/ui/#/${view}`)
      await page.locator('main').waitFor()
    }
    await page.getByText('val · viewer').waitFor()
    expect(await page.getByRole('button', { name: /allow/i }).count()).toBe(0)
    expect(await page.evaluate("sessionStorage.getItem('permit0.token')")).toBe(secrets.viewer)
    expect(violations).toEqual([])
    await page.close()
  })

  it('an approver token signs in with its name as the reviewer; an agent token is turned away', async () => {
    const { page, violations } = await open()
    await page.goto(`${server.url}/ui/`)
    await signIn(page, secrets.approver!, 'ada · approver')
    await page.getByText('reviewer: ada').waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await signIn(page, secrets.agent!, 'This is an agent token')
    expect(violations).toEqual([])
    await page.close()
  })
})
