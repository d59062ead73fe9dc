import { defineConfig } from 'vite';

// Built into dist/, which `gridmap serve` serves at `/`.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
