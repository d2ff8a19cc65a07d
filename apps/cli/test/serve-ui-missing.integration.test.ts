import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { call } from './helpers/http.ts'
import { emailPacksDir } from './helpers/in-process.ts'
import { spawnServe, type ServeChild } from './helpers/serve-process.ts'

describe('serve --ui without a built dashboard', { timeout: 60_000 }, () => {
  const empty = mkdtempSync(join(tmpdir(), 'permit0-no-ui-'))
  let serve: ServeChild | undefined
  afterAll(async () => {
    await serve?.stop()
    rmSync(empty, { recursive: true, force: true })
  })

  it('says so at start, advertises neither /ui/ nor a login link, and still parks', async () => {
    serve = await spawnServe(['--ui', '--ui-dir', empty, '--packs-dir', emailPacksDir()])
    for (let i = 0; i < 100 && !serve.output().includes('decide them through the API'); i++) await new Promise((r) => setTimeout(r, 50))
    const output = serve.output()
    expect(output).toContain(`warning: --ui: the dashboard is not served (${join(empty, 'index.html')} does not exist (--ui-dir / PERMIT0_UI_DIR))`)
    expect(output).not.toContain('dashboard at')
    expect(output).not.toContain('/ui/')
    expect(output).not.toContain('login?code=')
    expect((await fetch(`${serve.url}/ui/`)).status).toBe(404)
    // The approvals queue runs: a HITL call parks (202 with an approval id when asked not to wait).
    const parked = await call(serve.url, 'POST', '/api/v1/check', { tool_name: 'gmail_delete', parameters: { message_id: 'm1' }, hitl_wait: false }, { anonymous: true })
    expect(parked.status).toBe(202)
    expect(parked.body.approval_id).toEqual(expect.any(String))
  })
})
