import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations from src/db/schema.ts; wrangler applies them
// (`npm run db:migrate:local`, `npm run db:migrate:remote`) and tracks them in `d1_migrations`.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
