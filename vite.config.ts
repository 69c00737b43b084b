import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // The app, and the lean embed page (no editor, no layout engine, no worker).
    rolldownOptions: { input: { main: page('index.html'), embed: page('embed.html') } },
  },
  server: { host: '127.0.0.1', port: 5173 },
  // A `sandbox="allow-scripts"` iframe has an opaque origin, so its module scripts are CORS
  // requests: the embed's assets must be readable from any origin (static hosts: same header).
  preview: { host: '127.0.0.1', port: 4173, cors: { origin: '*' } },
});
