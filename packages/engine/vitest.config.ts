import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'engine', setupFiles: ['./src/test-setup.ts'] },
})
