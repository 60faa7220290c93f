// A small local OAuth 2.0 provider for trying OAuth connections on `npm run dev` (as a "custom OAuth2"
// provider) and for the benchmark. Not a fake of any real provider: just RFC 6749 with rotating
// refresh tokens. Endpoints: GET /authorize (shows an approve/deny page, or auto-approves with
// ?auto=1), POST /token (authorization_code, refresh_token), POST /revoke, POST /expire-access-tokens
// (makes every issued access token invalid, so the next call through the proxy gets a 401 and
// refreshes), GET /api/* (a bearer-protected API: /api/me).
import { createServer } from "node:http";

export async function startLocalOAuthProvider({ port = 0, accessTokenTtlSeconds = 3600, autoApprove = false } = {}) {
  const state = {
    refreshCalls: 0,
    counter: 0,
    valid: new Set(),
    refresh: new Set(),
    nextExpiresIn: accessTokenTtlSeconds,
  };
  const issue = (expiresIn) => {
    state.counter++;
    const tokens = {
      access_token: `local-at-${state.counter}-${Math.random().toString(36).slice(2)}`,
      refresh_token: `local-rt-${state.counter}-${Math.random().toString(36).slice(2)}`,
      token_type: "Bearer",
      expires_in: expiresIn,
      scope: "read",
    };
    state.valid.add(tokens.access_token);
    state.refresh.add(tokens.refresh_token);
    return tokens;
  };
  const send = (response, status, body, type = "application/json") => {
    const text = type === "application/json" ? JSON.stringify(body) : body;
    response.writeHead(status, {
      "content-type": type,
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    });
    response.end(text);
  };
  const readBody = (request) =>
    new Promise((resolve) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => resolve(new URLSearchParams(body)));
    });
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, "http://localhost");
    if (url.pathname === "/authorize") {
      const redirect = new URL(url.searchParams.get("redirect_uri"));
      redirect.searchParams.set("state", url.searchParams.get("state") ?? "");
      if (url.searchParams.get("decision") === "deny") {
        redirect.searchParams.set("error", "access_denied");
        redirect.searchParams.set("error_description", "You declined on the local provider");
      } else if (
        autoApprove ||
        url.searchParams.get("auto") === "1" ||
        url.searchParams.get("decision") === "approve"
      ) {
        redirect.searchParams.set("code", `local-code-${++state.counter}`);
      } else {
        const approve = new URL(url);
        approve.searchParams.set("decision", "approve");
        const deny = new URL(url);
        deny.searchParams.set("decision", "deny");
        return send(
          response,
          200,
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Local OAuth provider</title></head><body style="font-family:system-ui;margin:3rem"><h1>Local OAuth provider</h1><p>Allow <b>${escapeHtml(url.searchParams.get("client_id"))}</b> to access your (pretend) account with scope <code>${escapeHtml(url.searchParams.get("scope"))}</code>?</p><p><a href="${escapeHtml(approve.pathname + approve.search)}">Approve</a> · <a href="${escapeHtml(deny.pathname + deny.search)}">Deny</a></p>`,
          "text/html; charset=utf-8",
        );
      }
      response.writeHead(302, { location: redirect.toString() });
      return response.end();
    }
    if (url.pathname === "/token" && request.method === "POST") {
      const form = await readBody(request);
      if (form.get("grant_type") === "authorization_code") return send(response, 200, issue(state.nextExpiresIn));
      if (form.get("grant_type") === "refresh_token") {
        state.refreshCalls++;
        const old = form.get("refresh_token");
        if (!state.refresh.has(old))
          return send(response, 400, { error: "invalid_grant", error_description: "unknown or rotated refresh token" });
        state.refresh.delete(old); // rotation: a refresh token works once
        return send(response, 200, issue(accessTokenTtlSeconds));
      }
      return send(response, 400, { error: "unsupported_grant_type" });
    }
    if (url.pathname === "/revoke" && request.method === "POST") {
      const form = await readBody(request);
      state.valid.delete(form.get("token"));
      state.refresh.delete(form.get("token"));
      return send(response, 200, {});
    }
    if (url.pathname === "/expire-access-tokens" && request.method === "POST") {
      request.resume();
      state.valid.clear();
      return send(response, 200, { expired: true });
    }
    request.resume();
    const token = (request.headers.authorization ?? "").replace(/^Bearer /, "");
    if (!url.pathname.startsWith("/api/") || !state.valid.has(token)) {
      response.setHeader("www-authenticate", 'Bearer error="invalid_token"');
      return send(response, 401, { error: "invalid_token" });
    }
    return send(response, 200, {
      id: "local-user-1",
      email: "octo@local.test",
      name: "Octo Local",
      path: url.pathname,
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, state, close: () => server.close() };
}

function escapeHtml(value) {
  return String(value ?? "").replace(
    /[&<>"]/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[char],
  );
}

// `npm run dev:oauth-provider`: serve on port 8788 until stopped.
if (import.meta.url === `file://${process.argv[1]}`) {
  const provider = await startLocalOAuthProvider({ port: Number(process.env.PORT ?? 8788) });
  console.log(`Local OAuth provider on ${provider.url}
Create a "custom OAuth2" connection in the app with:
  client_id: local-client   client_secret: local-secret
  authorization_url: ${provider.url}/authorize
  token_url: ${provider.url}/token
  base_url: ${provider.url}/api        scopes: read
Then Connect, call GET /api/connections/<id>/proxy/me, and force a refresh with:
  curl -X POST ${provider.url}/expire-access-tokens`);
}
