/**
 * Stands in for a page another part of this release builds (workflows, executions, apps). Each use
 * sits in one route-table entry (routes.tsx), so swapping in the real page is a one-line change.
 */
export function ComingSoon({ title, description }: { title: string; description: string }) {
  return (
    <section className="page-section" aria-labelledby="coming-soon-heading">
      <h1 id="coming-soon-heading">{title}</h1>
      <div className="state state-empty" data-testid="coming-soon">
        <p className="state-title">Coming in this release</p>
        <p className="muted">{description}</p>
      </div>
    </section>
  );
}
