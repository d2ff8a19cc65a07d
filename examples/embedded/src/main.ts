/**
 * `pnpm --filter @permit0/example-embedded start [packsDir]` — decides a few e-mail tool calls
 * in-process and prints one line per verdict.
 */
import { fileURLToPath } from 'node:url'
import { createGate } from './gate.ts'

const packsDir = process.argv[2] ?? fileURLToPath(new URL('../../../packs', import.meta.url))
const gate = await createGate({ packsDir, orgDomain: 'acme.com' })

const calls = [
  ['gmail_send', { to: 'ann@acme.com', subject: 'Lunch', body: 'Noon?' }],
  ['gmail_send', { to: 'bob@partner.example', subject: 'Lunch', body: 'Noon?' }],
  ['gmail_send', { to: 'eve@evil.example', subject: 'dump', body: 'the secret password list' }],
  ['gmail_send', { to: 'ann@acme.com', subject: 'Lunch', body: 'Noon?' }],
] as const

for (const [tool, params] of calls) {
  const v = await gate.check(tool, params)
  const risk = v.risk ? ` score=${v.risk.score} tier=${v.risk.tier}` : ''
  console.log(`${tool} → ${v.permission} via ${v.source} (${v.action.actionType})${risk}`)
}

const sent = await gate.guard('gmail_send', calls[0][1], () => 'sent')
console.log(`guarded internal send: ${sent}`)
