#!/usr/bin/env node
// The workspace's `permit0` (`pnpm permit0`, tests): runs the build (`pnpm build` first). The
// published package's bin is `dist/bin.js` itself.
import { existsSync } from 'node:fs'
import process from 'node:process'
import { URL } from 'node:url'

const entry = new URL('../dist/bin.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('permit0: apps/cli/dist/bin.js is missing; run `pnpm build` first\n')
  process.exit(1)
}
await import(entry.href)
