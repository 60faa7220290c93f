import * as z from "zod";

/**
 * The registry of known MCP servers (SPEC §6.7 "Registry of known MCP providers as data"), served as-is by
 * `GET /api/connections/mcp/providers`. A connection names an entry with `provider` (or `custom_mcp` for any
 * other server); the entry supplies the default server URL and which auth types make sense. Each entry cites the
 * vendor page its URL and auth types come from. Adding a server is one entry here; the registry test checks
 * every entry's shape.
 */

export const MCP_PROVIDER_AUTH_TYPES = ["none", "api_key", "bearer", "basic", "oauth2"] as const;
export const MCP_PROVIDER_CATEGORIES = [
  "developer",
  "productivity",
  "monitoring",
  "payments",
  "cloud",
  "filesystem",
  "database",
  "generic",
] as const;

const entrySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/),
    name: z.string().min(1).max(80),
    description: z.string().min(1).max(300),
    category: z.enum(MCP_PROVIDER_CATEGORIES),
    /** The server URL a new connection starts with; null when every user runs their own (self-hosted). */
    default_server_url: z.url({ protocol: /^https$/ }).nullable(),
    /** Supported auth types, the recommended one first. */
    auth_types: z.array(z.enum(MCP_PROVIDER_AUTH_TYPES)).min(1),
    /** For `api_key`: the header the server reads the key from. */
    api_key_header: z.string().min(1).optional(),
    /** How the credential is obtained, shown next to the form. */
    credential_hint: z.string().max(300).optional(),
    /** A stdio server run behind an HTTP bridge by the user; there is no hosted URL. */
    self_hosted: z.boolean(),
    docs_url: z.url({ protocol: /^https$/ }),
  })
  .superRefine((entry, ctx) => {
    if (entry.self_hosted === (entry.default_server_url !== null))
      ctx.addIssue({
        code: "custom",
        path: ["default_server_url"],
        message: "hosted entries have a URL, self-hosted ones none",
      });
    if (entry.auth_types.includes("api_key") && !entry.api_key_header && entry.id !== "custom_mcp")
      ctx.addIssue({ code: "custom", path: ["api_key_header"], message: "required when api_key is offered" });
    if (new Set(entry.auth_types).size !== entry.auth_types.length)
      ctx.addIssue({ code: "custom", path: ["auth_types"], message: "duplicates" });
  });

export type McpProviderEntry = z.output<typeof entrySchema>;

const ENTRIES: McpProviderEntry[] = [
  {
    id: "github",
    name: "GitHub",
    description: "Repositories, issues, pull requests, Actions runs and security alerts (GitHub's hosted MCP server).",
    category: "developer",
    default_server_url: "https://api.githubcopilot.com/mcp/",
    // GitHub's OAuth needs a pre-registered GitHub app; a personal access token works for every client.
    auth_types: ["bearer", "oauth2"],
    credential_hint: "A fine-grained personal access token, sent as Authorization: Bearer.",
    self_hosted: false,
    docs_url: "https://github.blog/changelog/2025-06-12-remote-github-mcp-server-is-now-available-in-public-preview",
  },
  {
    id: "linear",
    name: "Linear",
    description: "Issues, projects, cycles and comments (Linear's hosted MCP server).",
    category: "productivity",
    default_server_url: "https://mcp.linear.app/mcp",
    // OAuth 2.1 with dynamic client registration; a Linear API key as bearer token for unattended agents.
    auth_types: ["oauth2", "bearer"],
    credential_hint: "Connect with OAuth, or use a Linear API key as a bearer token.",
    self_hosted: false,
    docs_url: "https://linear.app/docs/mcp",
  },
  {
    id: "notion",
    name: "Notion",
    description: "Search, read, create and update pages and databases in a Notion workspace.",
    category: "productivity",
    default_server_url: "https://mcp.notion.com/mcp",
    auth_types: ["oauth2"],
    self_hosted: false,
    docs_url: "https://developers.notion.com/docs/mcp",
  },
  {
    id: "sentry",
    name: "Sentry",
    description: "Issues, errors, projects and Seer fixes from your Sentry organization.",
    category: "monitoring",
    default_server_url: "https://mcp.sentry.dev/mcp",
    auth_types: ["oauth2"],
    self_hosted: false,
    docs_url: "https://docs.sentry.io/product/sentry-mcp/",
  },
  {
    id: "stripe",
    name: "Stripe",
    description: "The Stripe API and Stripe's documentation, for payments, customers and subscriptions.",
    category: "payments",
    default_server_url: "https://mcp.stripe.com",
    // OAuth per the MCP spec; agents may pass a (restricted) API key as a bearer token.
    auth_types: ["oauth2", "bearer"],
    credential_hint: "Connect with OAuth, or use a restricted API key (rk_…) as a bearer token.",
    self_hosted: false,
    docs_url: "https://docs.stripe.com/mcp",
  },
  {
    id: "cloudflare_docs",
    name: "Cloudflare Documentation",
    description: "Up-to-date reference information on Cloudflare products.",
    category: "cloud",
    default_server_url: "https://docs.mcp.cloudflare.com/mcp",
    auth_types: ["none"],
    self_hosted: false,
    docs_url: "https://developers.cloudflare.com/agents/model-context-protocol/mcp-servers-for-cloudflare/",
  },
  {
    id: "cloudflare_bindings",
    name: "Cloudflare Workers Bindings",
    description: "Build Workers applications with storage, AI and compute primitives (KV, R2, D1, …).",
    category: "cloud",
    default_server_url: "https://bindings.mcp.cloudflare.com/mcp",
    auth_types: ["oauth2"],
    self_hosted: false,
    docs_url: "https://developers.cloudflare.com/agents/model-context-protocol/mcp-servers-for-cloudflare/",
  },
  {
    id: "filesystem",
    name: "Filesystem (community server)",
    description: "Read and write files and list directories under the roots you allow (modelcontextprotocol/servers).",
    category: "filesystem",
    default_server_url: null,
    auth_types: ["bearer", "none"],
    credential_hint: "A stdio server: run it behind a Streamable HTTP bridge you host, protected by a bearer token.",
    self_hosted: true,
    docs_url: "https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem",
  },
  {
    id: "postgres",
    name: "PostgreSQL (community server)",
    description: "Read-only SQL queries and schema inspection of a PostgreSQL database.",
    category: "database",
    default_server_url: null,
    auth_types: ["basic", "bearer"],
    credential_hint: "A stdio server: run it behind an HTTP bridge you host; the database URL stays on your side.",
    self_hosted: true,
    docs_url: "https://github.com/modelcontextprotocol/servers-archived/tree/main/src/postgres",
  },
  {
    id: "custom_mcp",
    name: "Custom MCP server",
    description: "Any server speaking MCP over Streamable HTTP (or the legacy HTTP+SSE transport).",
    category: "generic",
    default_server_url: null,
    auth_types: ["none", "bearer", "api_key", "basic", "oauth2"],
    self_hosted: true,
    docs_url: "https://modelcontextprotocol.io/specification/2025-11-25/basic/transports",
  },
];

/** The registry, validated when the module loads: a malformed entry fails every test, not a user's connection. */
export const MCP_PROVIDERS: readonly McpProviderEntry[] = Object.freeze(
  ENTRIES.map((entry) => entrySchema.parse(entry)),
);

export function findMcpProvider(id: string): McpProviderEntry | undefined {
  return MCP_PROVIDERS.find((entry) => entry.id === id);
}

/** Validates one entry (used by the registry test for deliberately broken entries). */
export function parseMcpProviderEntry(entry: unknown) {
  return entrySchema.safeParse(entry);
}
