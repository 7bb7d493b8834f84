import { defineConfig } from 'vite';

// Relative asset URLs: the same files serve every tenant's /select/{tenant}/ui/.
// `npm run dev` serves the page with live reload and passes API calls to a running select node.
export default defineConfig({
    base: './',
    server: {
        proxy: {
            '/select': process.env.BASALT_SELECT_URL || 'http://127.0.0.1:8481',
        },
    },
    build: {
        outDir: process.env.BASALT_UI_OUT || 'dist',
        emptyOutDir: true,
        assetsDir: 'assets',
        sourcemap: false,
        chunkSizeWarningLimit: 200,
    },
});
