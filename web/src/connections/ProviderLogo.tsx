import type { Provider } from "./types";

/** The provider's logo: a monogram SVG generated from the catalog at build time (web/vite.config.ts). */
export function ProviderLogo({ provider, size = 40 }: { provider: Pick<Provider, "id" | "name">; size?: number }) {
  return (
    <img
      className="provider-logo"
      src={`/logos/${encodeURIComponent(provider.id)}.svg`}
      alt=""
      width={size}
      height={size}
    />
  );
}
