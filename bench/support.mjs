// Helpers for bench scenario setup: they drive the Worker over HTTP exactly as a browser would.

/** Signs in through the dev identity provider (SPEC §5.2) and returns the `cookie` header value. */
export async function signInThroughDevProvider({ url, appUrl }, email, name = "Bench User") {
  const jar = new Map();
  const keep = (response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const [cookieName, ...rest] = pair.split("=");
      if (rest.join("=")) jar.set(cookieName, rest.join("="));
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const step = async (path, init = {}) => {
    const response = await fetch(new URL(path, url), {
      ...init,
      redirect: "manual",
      // The Worker answers on a local port, but its configured origin (APP_URL) is what CSRF checks compare.
      headers: { ...init.headers, cookie: cookieHeader(), origin: new URL(appUrl).origin },
    });
    keep(response);
    return response;
  };
  const authorize = await step("/api/auth/authorize");
  const state = new URL(authorize.headers.get("location")).searchParams.get("state");
  const login = await step("/api/auth/dev/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, name, state }).toString(),
  });
  if (login.status !== 302) throw new Error(`bench sign-in failed at the dev login form: ${login.status}`);
  const callback = await step(login.headers.get("location"));
  if (callback?.status !== 302 || !jar.has("session")) throw new Error(`bench sign-in failed: ${callback.status}`);
  return `session=${jar.get("session")}`;
}
