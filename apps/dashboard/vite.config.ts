import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  server: { proxy: { '/api': 'http://127.0.0.1:9090' } },
  build: { outDir: 'dist', emptyOutDir: true },
})
