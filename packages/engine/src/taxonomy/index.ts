export * from './taxonomy.ts'
