import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig } from 'vite'

export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  // Workspace packages resolve to their TypeScript sources.
  resolve: { conditions: ['@permit0/source', ...defaultClientConditions] },
  server: { proxy: { '/api': 'http://127.0.0.1:9090' } },
  build: { outDir: 'dist', emptyOutDir: true },
})
