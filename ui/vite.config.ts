import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves `ui/dist` at `/`; in dev, API and WebSocket calls go to a running server.
const api = process.env.REELGRAPH_API ?? 'http://127.0.0.1:8188';

export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': { target: api, ws: true, changeOrigin: false } } },
});
