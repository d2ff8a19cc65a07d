import react from '@vitejs/plugin-react'
import { defaultClientConditions, defaultServerConditions } from 'vite'
import { defineProject } from 'vitest/config'

export default defineProject({
  plugins: [react()],
  // Workspace packages resolve to their TypeScript sources (no build needed to test).
  resolve: { conditions: ['@permit0/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@permit0/source', ...defaultServerConditions] } },
  test: { name: 'dashboard', environment: 'jsdom' },
})
