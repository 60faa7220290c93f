import { signInUrl } from "../api";

const FEATURES = [
  {
    title: "Connect once",
    text: "API keys, tokens and OAuth sign-ins for 55+ providers, stored encrypted at the edge and refreshed automatically.",
  },
  {
    title: "Use without exposing",
    text: "Workflows, agents and your own programs call providers through a proxy that injects the credential — they never see it.",
  },
  {
    title: "Built for programs",
    text: "Personal API keys, an OpenAPI description and copy-paste snippets for every connection.",
  },
];

/** What a signed-out visitor sees: what this is, and the way in. */
export function Landing({ returnTo }: { returnTo: string }) {
  return (
    <main id="main" className="landing">
      <header className="landing-hero">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true">
            E
          </span>
          Edge Integrations
        </p>
        <h1>Your users' integrations, handled at the edge.</h1>
        <p className="lead">
          Sign in, connect the services your workflows need, and call them through one authenticated proxy — with tokens
          refreshed, secrets encrypted, and AI clients connected over MCP.
        </p>
        <p className="actions">
          <a className="button large" href={signInUrl("authkit", returnTo)} data-testid="sign-in">
            Sign in
          </a>
        </p>
      </header>
      <ul className="features">
        {FEATURES.map((feature) => (
          <li key={feature.title} className="feature">
            <h2>{feature.title}</h2>
            <p>{feature.text}</p>
          </li>
        ))}
      </ul>
    </main>
  );
}
