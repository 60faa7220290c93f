// Benchmark scenarios. Each is one HTTP request shape driven at the Worker by the load generator.
// `setup({ mf, url })` may seed data (D1 through mf.getD1Database("DB"), upstream servers, sessions)
// and return overrides ({ path, headers, body }). The first scenario is the floor: every ratio in
// the report is relative to it, measured in the same run.
import { signInThroughDevProvider } from "./support.mjs";

export const scenarios = [
  {
    name: "floor: GET /api/ping (constant)",
    method: "GET",
    path: "/api/ping",
  },
  {
    name: "GET /api/health (one D1 read)",
    method: "GET",
    path: "/api/health",
  },
  {
    name: "GET /api/auth/me (signed-in session)",
    method: "GET",
    path: "/api/auth/me",
    target: "≥ 0.45× floor",
    async setup(context) {
      const cookie = await signInThroughDevProvider(context, "bench-me@example.com");
      return { headers: { cookie } };
    },
  },
];
