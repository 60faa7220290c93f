import { useId, useState } from "react";
import { API_ORIGIN } from "../../api";
import { Link } from "../../router/router";
import { CopyButton } from "../../shell/CopyButton";
import { curlSnippet, fetchSnippet } from "../snippets";
import type { Connection, Provider } from "../types";

/** Ready-to-paste proxy calls for this connection, authenticated with a personal API key. */
export function UsageSnippets({ connection, provider }: { connection: Connection; provider: Provider | undefined }) {
  const id = useId();
  const [path, setPath] = useState(provider?.verify?.path.replace(/\{[^}]*\}/g, "…") ?? "/");
  const input = { origin: API_ORIGIN || window.location.origin, connectionId: connection.id, path };
  const snippets = [
    { label: "curl", code: curlSnippet(input) },
    { label: "fetch (JavaScript)", code: fetchSnippet(input) },
  ];
  return (
    <div>
      <p className="muted">
        Programs call the provider through this proxy; the Worker adds the credential. Authenticate with a personal API
        key from <Link to="/settings/api-keys">Settings → API keys</Link>.
      </p>
      <div className="field">
        <label htmlFor={`${id}-path`}>Upstream path</label>
        <input id={`${id}-path`} value={path} onChange={(event) => setPath(event.target.value)} spellCheck={false} />
      </div>
      {snippets.map((snippet) => (
        <figure key={snippet.label} className="snippet">
          <figcaption>
            {snippet.label} <CopyButton value={snippet.code} label={`Copy the ${snippet.label} snippet`} />
          </figcaption>
          <pre data-testid={`snippet-${snippet.label.split(" ")[0]}`}>
            <code>{snippet.code}</code>
          </pre>
        </figure>
      ))}
    </div>
  );
}
