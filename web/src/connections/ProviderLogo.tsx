import { useState } from "react";
import type { Provider } from "./types";

/**
 * The provider's logo: a monogram SVG generated from the catalog at build time (web/vite.config.ts).
 * Providers outside the catalog — the MCP servers of `GET /api/connections/mcp/providers`, `custom_mcp` —
 * have no such file; for them (or any logo that fails to load) the same kind of monogram is drawn here in a
 * neutral colour, instead of a broken image.
 */
export function ProviderLogo({ provider, size = 40 }: { provider: Pick<Provider, "id" | "name">; size?: number }) {
  const [missing, setMissing] = useState(false);
  if (missing) {
    const letter = (provider.name.trim()[0] ?? "?").toUpperCase();
    return (
      <svg
        className="provider-logo"
        width={size}
        height={size}
        viewBox="0 0 64 64"
        aria-hidden="true"
        data-testid="provider-logo-fallback"
      >
        <rect width="64" height="64" rx="14" fill="#64748b" />
        <text
          x="32"
          y="33"
          fill="#ffffff"
          fontFamily="system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
          fontSize="30"
          fontWeight="700"
          textAnchor="middle"
          dominantBaseline="central"
        >
          {letter}
        </text>
      </svg>
    );
  }
  return (
    <img
      className="provider-logo"
      src={`/logos/${encodeURIComponent(provider.id)}.svg`}
      alt=""
      width={size}
      height={size}
      onError={() => setMissing(true)}
    />
  );
}
