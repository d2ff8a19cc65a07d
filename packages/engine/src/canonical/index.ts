export * from './norm-hash.ts'
