import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'example-embedded', testTimeout: 30_000 },
})
