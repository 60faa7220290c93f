import type { Provider } from "./types";

/** Gallery headings of the catalog's categories, in display order. */
export const CATEGORY_LABELS: Record<Provider["category"], string> = {
  ai: "AI",
  developer: "Developer tools",
  devops: "DevOps and monitoring",
  communication: "Communication",
  productivity: "Productivity",
  project_management: "Project management",
  files: "Files and storage",
  crm: "CRM",
  support: "Customer support",
  marketing: "Marketing",
  payments: "Payments and commerce",
  accounting: "Accounting",
  social: "Social and media",
  identity: "Identity",
  generic: "Any API",
};

const ORDER = Object.keys(CATEGORY_LABELS);

/** Providers matching `query` (name, id, category or description), grouped by category in display order. */
export function groupProviders(
  providers: readonly Provider[],
  query: string,
): Array<[Provider["category"], Provider[]]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = providers.filter((provider) => {
    const haystack =
      `${provider.name} ${provider.id} ${CATEGORY_LABELS[provider.category]} ${provider.description}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const groups = new Map<Provider["category"], Provider[]>();
  for (const provider of matches) groups.set(provider.category, [...(groups.get(provider.category) ?? []), provider]);
  return [...groups].sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b));
}
