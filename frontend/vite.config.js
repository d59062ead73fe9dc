import { defineConfig } from 'vite';

// Built into dist/, which `gridmap serve` serves at `/`. Asset URLs are relative so the app also
// works when a proxy serves gridmap below a path prefix.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
