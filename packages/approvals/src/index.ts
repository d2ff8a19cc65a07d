export * from './repository.ts'
