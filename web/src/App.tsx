import { useEffect } from "react";
import { OAuthFlowProvider } from "./connections/OAuthContext";
import { Landing } from "./landing/Landing";
import { matchPath, navigate, RouterProvider, useLocation } from "./router/router";
import { NAV, ROUTES } from "./routes";
import { loadMe } from "./session";
import { Layout } from "./shell/Layout";
import { ErrorState, Loading, useLoad } from "./shell/states";
import { ToastProvider } from "./shell/toasts";

export function App() {
  return (
    <RouterProvider>
      <ToastProvider>
        <Session />
      </ToastProvider>
    </RouterProvider>
  );
}

/** Signed out: the landing page. Signed in: the shell and the page the URL names. */
function Session() {
  const [me, reload] = useLoad(loadMe);
  const { pathname, search } = useLocation();

  // `/` is the home of a signed-in user's connections; the OAuth fallback redirect (`/?oauth=…`) keeps its query.
  useEffect(() => {
    if (me.state === "ready" && me.value && pathname === "/") navigate(`/connections${search}`, { replace: true });
  }, [me, pathname, search]);

  if (me.state === "loading") return <Loading what="your session" />;
  if (me.state === "error")
    return (
      <main className="main">
        <ErrorState what="your session" message={me.message} retry={reload} />
      </main>
    );
  if (!me.value) return <Landing returnTo={pathname === "/" ? "/connections" : `${pathname}${search}`} />;
  return (
    <OAuthFlowProvider>
      <Layout me={me.value} nav={NAV} onSignedOut={() => void reload()}>
        <Page pathname={pathname} />
      </Layout>
    </OAuthFlowProvider>
  );
}

function Page({ pathname }: { pathname: string }) {
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) {
      document.title = `${route.title} · Edge Integrations`;
      return <>{route.render(params)}</>;
    }
  }
  if (pathname === "/") return null;
  document.title = "Not found · Edge Integrations";
  return (
    <section className="page-section">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at {pathname}.</p>
    </section>
  );
}
