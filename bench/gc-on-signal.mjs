// Preloaded into benchmarked server processes (with --expose-gc): SIGUSR2 runs a full garbage
// collection, so the bench can read the server's live heap from its /metrics, not its garbage.
process.on('SIGUSR2', () => globalThis.gc?.())
