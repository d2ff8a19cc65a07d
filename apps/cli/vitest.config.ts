import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'cli', setupFiles: ['./src/test-setup.ts'] },
})
