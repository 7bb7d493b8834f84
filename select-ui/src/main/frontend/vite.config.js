import { defineConfig } from 'vite';

// Relative asset URLs: the same files serve every tenant's /select/{tenant}/ui/.
export default defineConfig({
    base: './',
    build: {
        outDir: process.env.BASALT_UI_OUT || 'dist',
        emptyOutDir: true,
        assetsDir: 'assets',
        sourcemap: false,
        chunkSizeWarningLimit: 200,
    },
});
