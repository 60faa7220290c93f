import type { ProviderEntryInput } from "../schema";

/** AI model APIs. Each entry cites the provider's API reference; endpoints and headers come from it. */
export const AI_PROVIDERS: ProviderEntryInput[] = [
  /** @see https://platform.openai.com/docs/api-reference */
  {
    id: "openai",
    name: "OpenAI",
    category: "ai",
    description: "GPT models, embeddings, images and audio through the OpenAI API.",
    docs_url: "https://platform.openai.com/docs/api-reference",
    logo: { monogram: "AI", color: "#10a37f" },
    auth_methods: ["api_key"],
    api_base_url: "https://api.openai.com",
    api_key: { location: "header", name: "Authorization", prefix: "Bearer ", secret_name: "API key" },
    verify: { method: "GET", path: "/v1/models" },
    retry: { max_retries: 2, backoff_ms: 1000 },
  },
  /** @see https://docs.anthropic.com/en/api/overview */
  {
    id: "anthropic",
    name: "Anthropic",
    category: "ai",
    description: "Claude models through the Anthropic Messages API.",
    docs_url: "https://docs.anthropic.com/en/api/overview",
    logo: { monogram: "A", color: "#d97757" },
    auth_methods: ["api_key"],
    api_base_url: "https://api.anthropic.com",
    api_key: { location: "header", name: "x-api-key", secret_name: "API key" },
    // Every request must pin an API version; the API rejects requests without it.
    default_headers: { "anthropic-version": "2023-06-01" },
    verify: { method: "GET", path: "/v1/models" },
    rate_limit: { retry_after_header: "retry-after" },
    retry: { max_retries: 2, backoff_ms: 1000 },
  },
  /** @see https://ai.google.dev/api */
  {
    id: "google_ai",
    name: "Google AI (Gemini API)",
    category: "ai",
    description: "Gemini models through the Google AI Studio Gemini API.",
    docs_url: "https://ai.google.dev/api",
    logo: { monogram: "G", color: "#4285f4" },
    auth_methods: ["api_key"],
    api_base_url: "https://generativelanguage.googleapis.com",
    // The API also takes `?key=`, but a header keeps the key out of URLs and therefore out of logs.
    api_key: { location: "header", name: "x-goog-api-key", secret_name: "API key" },
    verify: { method: "GET", path: "/v1beta/models" },
    retry: { max_retries: 2, backoff_ms: 1000 },
  },
  /** @see https://docs.cohere.com/reference/about */
  {
    id: "cohere",
    name: "Cohere",
    category: "ai",
    description: "Command, Embed and Rerank models through the Cohere API.",
    docs_url: "https://docs.cohere.com/reference/about",
    logo: { monogram: "Co", color: "#39594d" },
    auth_methods: ["api_key"],
    api_base_url: "https://api.cohere.com",
    api_key: { location: "header", name: "Authorization", prefix: "Bearer ", secret_name: "API key" },
    verify: { method: "GET", path: "/v1/models" },
    retry: { max_retries: 2, backoff_ms: 1000 },
  },
];
