#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8'
import packageJson from '../package.json' with { type: 'json' }

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // The one answer that needs no module: `permit0 --version` costs a bare node start.
  process.stdout.write(`${packageJson.version}\n`)
} else {
  // `permit0 hook` is a one-shot process the host spawns for every tool call: one bash parse needs
  // no optimised WASM, and V8 would otherwise compile the bash grammar with TurboFan in the
  // background after the first parse — ~0.6 s that a natural exit waits for. So the hook runs
  // WASM on the baseline tier only (set before any module is compiled) and exits as soon as its
  // answer is written, without waiting for background compilation. Its young generation grows in
  // bigger steps (a short-lived process: half the scavenges and no full GC, ~5 ms).
  const hook = argv[0] === 'hook'
  if (hook) {
    setFlagsFromString('--liftoff-only')
    setFlagsFromString('--semi-space-growth-factor=8')
    const { runHookProcess } = await import('./hook-loader.ts')
    process.exitCode = await runHookProcess(argv)
    // Writes to pipes and files are synchronous on POSIX; the callbacks also cover a slow TTY.
    await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write('', done))))
    process.exit()
  } else {
    // The daemon runs its WASM parsers (compiled at start, before the store opens) on the baseline
    // tier too: optimised code for them cost tens of MB of resident memory for the daemon's life
    // and a busy core at start-up, and a parse stays well under a millisecond either way (docs/
    // benchmarks.md). The store compiles PGlite this way itself (`pgliteBaselineModule()`).
    if (argv[0] === 'serve') setFlagsFromString('--liftoff-only')
    // `permit0 … | head`: a closed stdout ends the command quietly (exit 141), never a stack trace.
    const { exitQuietlyOnClosedPipe } = await import('./closed-pipe.ts')
    exitQuietlyOnClosedPipe()
    const { main } = await import('./program.ts')
    process.exitCode = await main(argv)
  }
}
