import type { ProviderEntryInput } from "../schema";

/** The generic providers of SPEC §6.3: the user supplies what a catalog entry would declare. */
export const GENERIC_PROVIDERS: ProviderEntryInput[] = [
  /**
   * Any HTTP API: the user supplies base URL, key injection and verification request. The api_key
   * config is only the default injection (SPEC §6.3).
   * @see https://www.rfc-editor.org/rfc/rfc9110#section-11
   */
  {
    id: "custom_api",
    name: "Custom API",
    category: "generic",
    description: "Any HTTP API authenticated with an API key, a bearer token or basic auth.",
    docs_url: "https://www.rfc-editor.org/rfc/rfc9110#section-11",
    logo: { monogram: "API", color: "#475569" },
    auth_methods: ["api_key", "bearer", "basic"],
    api_key: { location: "header", name: "Authorization", prefix: "Bearer " },
    user_supplied: { base_url: true, injection: true, verify: true, oauth2: false },
  },
  /**
   * Any OAuth 2.0 provider: the user supplies endpoints, client and scopes (authorization code or
   * client credentials), the base URL and the verification request.
   * @see https://www.rfc-editor.org/rfc/rfc6749
   */
  {
    id: "custom_oauth2",
    name: "Custom OAuth 2.0",
    category: "generic",
    description: "Any HTTP API behind an OAuth 2.0 authorization server.",
    docs_url: "https://www.rfc-editor.org/rfc/rfc6749",
    logo: { monogram: "OA", color: "#334155" },
    auth_methods: ["oauth2", "oauth2_client_credentials"],
    user_supplied: { base_url: true, injection: false, verify: true, oauth2: true },
  },
];
