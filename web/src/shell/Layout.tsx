import { type ReactNode, useState } from "react";
import { Link, useLocation } from "../router/router";
import type { NavEntry } from "../routes";
import type { Me } from "../session";
import { AccountMenu } from "./AccountMenu";

/** The signed-in frame: brand, navigation (collapsing into a menu on narrow screens), account, page. */
export function Layout({
  me,
  nav,
  onSignedOut,
  children,
}: {
  me: Me;
  nav: readonly NavEntry[];
  onSignedOut: () => void;
  children: ReactNode;
}) {
  const { pathname } = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const current = (entry: NavEntry) => pathname === entry.to || pathname.startsWith(`${entry.to}/`);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/connections" className="brand">
          <span className="brand-mark" aria-hidden="true">
            E
          </span>
          Edge Integrations
        </Link>
        <button
          type="button"
          className="nav-toggle secondary"
          aria-expanded={navOpen}
          aria-controls="primary-nav"
          onClick={() => setNavOpen(!navOpen)}
        >
          Menu
        </button>
        <nav id="primary-nav" className={navOpen ? "nav nav-open" : "nav"} aria-label="Main">
          {nav.map((entry) => (
            <Link
              key={entry.to}
              to={entry.to}
              className="nav-link"
              aria-current={current(entry) ? "page" : undefined}
              onClick={() => setNavOpen(false)}
            >
              {entry.label}
            </Link>
          ))}
        </nav>
        <AccountMenu me={me} onSignedOut={onSignedOut} />
      </header>
      <main id="main" className="main">
        {children}
      </main>
    </>
  );
}
