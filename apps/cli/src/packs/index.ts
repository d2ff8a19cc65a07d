export * from './packs-dir.ts'
export * from './report.ts'
