export * from './packs-dir.ts'
export * from './report.ts'
export * from './pack-cache.ts'
export * from './pack-seed.ts'
