import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { emitAppTypes, pagesDeployment, providerLogos } from "./build/plugins.ts";

// Built to web/dist, which the Worker serves as static assets (wrangler.toml [assets]).
// VITE_API_ORIGIN lets the same build call an API on another origin (e.g. when deployed to Pages).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [emitAppTypes(), providerLogos(), pagesDeployment(process.env.VITE_API_ORIGIN), react()],
  build: { outDir: "dist", emptyOutDir: true },
  server: { proxy: { "/api": "http://localhost:8787" } },
});
