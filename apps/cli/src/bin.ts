#!/usr/bin/env node
import packageJson from '../package.json' with { type: 'json' }

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // The one answer that needs no module: `permit0 --version` costs a bare node start.
  process.stdout.write(`${packageJson.version}\n`)
} else {
  const { exitQuietlyOnClosedPipe } = await import('./closed-pipe.ts')
  exitQuietlyOnClosedPipe()
  const { main } = await import('./program.ts')
  process.exitCode = await main(argv)
}
