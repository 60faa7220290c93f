import type { FC } from "hono/jsx";
import { PageLayout } from "./layout";

export interface AuthorizationErrorPageProps {
  title: string;
  detail: string;
  requestId?: string;
}

/**
 * Shown instead of redirecting when the client or redirect URI cannot be trusted (RFC 6749 §4.1.2.1:
 * "MUST NOT automatically redirect the user-agent to the invalid redirection URI"; RFC 9700 §4.11
 * open redirectors).
 */
export const AuthorizationErrorPage: FC<AuthorizationErrorPageProps> = ({ title, detail, requestId }) => (
  <PageLayout title={title} className="error">
    <h1>{title}</h1>
    <p>{detail}</p>
    <p class="sub">
      Nothing was shared with the app. Close this window and try connecting again from the app; if it keeps happening,
      tell the app's developer.
    </p>
    {requestId && (
      <p class="fine">
        Request id: <code class="id">{requestId}</code>
      </p>
    )}
  </PageLayout>
);
