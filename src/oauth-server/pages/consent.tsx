import type { FC } from "hono/jsx";
import { CLIENT_WARNING_TEXT, type ClientKind, type ClientWarning } from "../client-trust";
import { SCOPES, type Scope } from "../scopes";
import { PageLayout } from "./layout";

export interface ConsentPageProps {
  clientName: string;
  clientKind: ClientKind;
  /** What identifies the client: the CIMD host, or the registered client id. */
  clientIdentity: string;
  redirectHost: string;
  warnings: readonly ClientWarning[];
  scopes: readonly Scope[];
  userEmail: string;
  /** Hidden fields echoed back on submission (the validated authorization request). */
  fields: Readonly<Record<string, string>>;
  csrfToken: string;
}

const KIND_TEXT: Record<ClientKind, string> = {
  dcr: "Registered itself",
  cimd: "Identified by its website",
  confidential: "Added by your administrator",
};

/**
 * The consent page (SPEC §8; RFC 6749 §10.2 and RFC 9700 §4.1: the user must see who is asking and
 * where the answer goes): client name with how it is identified, the redirect host, warnings, the
 * scopes in plain words, a CSRF token, and approve/deny as `decision`.
 */
export const ConsentPage: FC<ConsentPageProps> = (props) => (
  <PageLayout title={`Allow ${props.clientName}?`}>
    <h1>
      Allow <span>{props.clientName}</span> to access your account?
    </h1>
    <p class="sub">It will act as you, within the permissions below, until you revoke it.</p>
    <div class="app">
      <div class="avatar" aria-hidden="true">
        {(props.clientName.trim()[0] ?? "?").toUpperCase()}
      </div>
      <div>
        <strong>{props.clientName}</strong>
        <small>
          {KIND_TEXT[props.clientKind]} · {props.clientIdentity}
        </small>
        <br />
        <small>
          Sends you back to <b>{props.redirectHost}</b>
        </small>
      </div>
    </div>
    {props.warnings.map((warning) => (
      <p class="warn" role="note" key={warning}>
        {CLIENT_WARNING_TEXT[warning]}
      </p>
    ))}
    <h2>It will be able to</h2>
    <ul class="scopes">
      {props.scopes.map((scope) => (
        <li key={scope}>
          <div>
            {SCOPES[scope].description}
            <br />
            <code>{scope}</code>
          </div>
        </li>
      ))}
    </ul>
    <p class="account">
      Signed in as <b>{props.userEmail}</b>
    </p>
    <form method="post" action="/oauth/authorize">
      {Object.entries(props.fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
      <input type="hidden" name="csrf_token" value={props.csrfToken} />
      <div class="actions">
        <button type="submit" name="decision" value="deny">
          Deny
        </button>
        <button type="submit" name="decision" value="approve" class="primary">
          Allow
        </button>
      </div>
    </form>
    <p class="fine">You can revoke this at any time under Authorized apps in your account.</p>
  </PageLayout>
);
