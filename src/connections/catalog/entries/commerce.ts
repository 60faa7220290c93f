import type { ProviderEntryInput } from "../schema";

/** Payments, commerce and accounting. Each entry cites the provider's API reference. */
export const COMMERCE_PROVIDERS: ProviderEntryInput[] = [
  /** @see https://docs.stripe.com/api */
  {
    id: "stripe",
    name: "Stripe",
    category: "payments",
    description: "Payments, customers and subscriptions through the Stripe API.",
    docs_url: "https://docs.stripe.com/api",
    logo: { monogram: "S", color: "#635bff" },
    auth_methods: ["api_key"],
    api_base_url: "https://api.stripe.com",
    api_key: { location: "header", name: "Authorization", prefix: "Bearer ", secret_name: "Secret key" },
    verify: { method: "GET", path: "/v1/balance" },
    // The proxy must not replay a payment: a retried POST without the caller's Idempotency-Key could charge twice.
    retry: { max_retries: 0, backoff_ms: 0 },
  },
  /**
   * A custom app's Admin API access token in `X-Shopify-Access-Token`. Every store has its own host,
   * `https://{store}.myshopify.com` (Shopify's OAuth endpoints are per store too, so the catalog
   * cannot hold them).
   * @see https://shopify.dev/docs/api/admin-rest#authentication
   * @see https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin
   */
  {
    id: "shopify",
    name: "Shopify",
    category: "payments",
    description: "Products, orders, customers and inventory of a store through the Shopify Admin API.",
    docs_url: "https://shopify.dev/docs/api/admin-rest",
    logo: { monogram: "Sh", color: "#5e8e3e" },
    auth_methods: ["api_key"],
    api_key: { location: "header", name: "X-Shopify-Access-Token", secret_name: "Admin API access token" },
    verify: { method: "GET", path: "/admin/api/2025-07/shop.json" },
    // A leaky bucket of 40 requests refilled at 2 a second; 429s carry Retry-After.
    rate_limit: { requests_per_minute: 120, retry_after_header: "retry-after" },
    user_supplied: { base_url: true, injection: false, verify: false, oauth2: false },
  },
  /**
   * Intuit OAuth 2.0. Every accounting call names the company (`/v3/company/{realmId}/…`, the realm id
   * arrives on the redirect), so there is no company-free verification request; the token is proven by
   * the OpenID userinfo request. Refresh tokens rotate: always keep the latest one.
   * @see https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
   */
  {
    id: "quickbooks",
    name: "QuickBooks Online",
    category: "accounting",
    description: "Invoices, customers, payments and reports through the QuickBooks Online Accounting API.",
    docs_url: "https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0",
    logo: { monogram: "QB", color: "#2ca01c" },
    auth_methods: ["oauth2"],
    api_base_url: "https://quickbooks.api.intuit.com",
    default_headers: { Accept: "application/json" },
    oauth2: {
      authorization_url: "https://appcenter.intuit.com/connect/oauth2",
      token_url: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
      revocation_url: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
      userinfo_url: "https://accounts.platform.intuit.com/v1/openid_connect/userinfo",
      default_scopes: ["com.intuit.quickbooks.accounting", "openid", "email"],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_basic",
      client_id_env: "QUICKBOOKS_CLIENT_ID",
      client_secret_env: "QUICKBOOKS_CLIENT_SECRET",
      refresh_tokens_rotate: true,
    },
    rate_limit: { requests_per_minute: 500, retry_after_header: "retry-after" },
  },
  /**
   * Xero OAuth 2.0 (standard authorization code flow). Calls name the organisation in the
   * `xero-tenant-id` header; `GET /connections` lists the tenants the token may reach.
   * @see https://developer.xero.com/documentation/guides/oauth2/auth-flow/
   */
  {
    id: "xero",
    name: "Xero",
    category: "accounting",
    description: "Invoices, contacts, bank transactions and reports through the Xero Accounting API.",
    docs_url: "https://developer.xero.com/documentation/guides/oauth2/auth-flow/",
    logo: { monogram: "X", color: "#13b5ea" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.xero.com",
    verify: { method: "GET", path: "/connections" },
    oauth2: {
      authorization_url: "https://login.xero.com/identity/connect/authorize",
      token_url: "https://identity.xero.com/connect/token",
      revocation_url: "https://identity.xero.com/connect/revocation",
      default_scopes: ["openid", "profile", "email", "offline_access", "accounting.transactions"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_basic",
      client_id_env: "XERO_CLIENT_ID",
      client_secret_env: "XERO_CLIENT_SECRET",
      refresh_tokens_rotate: true,
    },
    // 60 calls a minute per tenant; 429s carry Retry-After.
    rate_limit: { requests_per_minute: 60, retry_after_header: "retry-after" },
  },
];
