import type { ProviderEntry } from "./catalog";
import type { DecryptedConnection } from "./store";

/**
 * The verification request of a connection ("test connection"): the provider's catalog request, or
 * the user's own for generic providers. Pure: builds the request and judges the response.
 */
export interface VerifySpec {
  method: "GET" | "POST" | "HEAD";
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  success_statuses?: number[];
  success_json?: { path: string; equals: string | number | boolean };
}

/** Where no verification is declared, a plain GET of the base URL is the honest fallback. */
export const FALLBACK_VERIFY: VerifySpec = { method: "GET", path: "/" };

/**
 * The request that proves a connection works: the user's own (generic providers), the catalog's, or
 * for OAuth providers without an API-level check (Google Sheets), the provider's userinfo endpoint —
 * an absolute URL, since it lives outside the API's base URL.
 */
export function verifySpecFor(
  provider: ProviderEntry | undefined,
  userSupplied: DecryptedConnection["verifyRequest"],
): VerifySpec & { absoluteUrl?: string } {
  if (userSupplied) return userSupplied;
  if (provider?.verify) return provider.verify as VerifySpec;
  if (provider?.oauth2?.userinfo_url) return { method: "GET", path: "/", absoluteUrl: provider.oauth2.userinfo_url };
  return FALLBACK_VERIFY;
}

/** Fills `{field}` placeholders of a verification path from the connection's (non-secret-safe) data. */
export function fillPlaceholders(path: string, data: Record<string, unknown>): string | null {
  let missing = false;
  const filled = path.replace(/\{([a-z_]+)\}/g, (_, field: string) => {
    const value = data[field];
    if (typeof value !== "string" || value === "") {
      missing = true;
      return "";
    }
    return encodeURIComponent(value);
  });
  return missing ? null : filled;
}

export interface VerifyVerdict {
  success: boolean;
  message: string;
  /** 401/403: the credentials themselves are refused, so the connection becomes `invalid`. */
  credentialsRejected: boolean;
}

/** Judges a verification response (status list, then an optional JSON field check, e.g. Slack's `ok`). */
export function judgeVerification(spec: VerifySpec, status: number, json: unknown): VerifyVerdict {
  const credentialsRejected = status === 401 || status === 403;
  const expected = spec.success_statuses ?? [200];
  if (!expected.includes(status)) {
    return {
      success: false,
      credentialsRejected,
      message: credentialsRejected
        ? `The provider refused the credentials (HTTP ${status})`
        : `Unexpected response from the provider (HTTP ${status})`,
    };
  }
  if (spec.success_json) {
    const actual = spec.success_json.path
      .split(".")
      .reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], json);
    if (actual !== spec.success_json.equals) {
      return { success: false, credentialsRejected: true, message: "The provider refused the credentials" };
    }
  }
  return { success: true, credentialsRejected: false, message: "Connection verified" };
}
