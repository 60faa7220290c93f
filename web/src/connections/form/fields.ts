import type { CatalogAuthMethod, Provider } from "../types";

/**
 * The connect form as data: for each way of connecting, the controls it shows, which are required,
 * which hold secrets, and how their values become the request's `data` (SPEC §6.3 wire shapes). The
 * form, the "replace secrets" form and the settings editor all read this table instead of branching
 * on the method.
 */

/** How the form collects a connection: catalog OAuth apps are held by the deployment, custom ones by the user. */
export type FormMode =
  | "api_key"
  | "bearer"
  | "basic"
  | "oauth2_catalog"
  | "oauth2_custom"
  | "oauth2_client_credentials";

export function formModeOf(method: CatalogAuthMethod, provider: Provider): FormMode {
  if (method === "oauth2") return provider.oauth2 ? "oauth2_catalog" : "oauth2_custom";
  return method;
}

export interface FormContext {
  provider: Provider;
  mode: FormMode;
  values: Values;
}

export type Values = Record<string, string | boolean>;

interface ControlBase {
  /** Key in `Values`. */
  key: string;
  /** The request path a server error names for this control (`data.api_key`, `base_url`, …). */
  path: string;
  label: (context: FormContext) => string;
  hint?: (context: FormContext) => string | undefined;
  /** Shown only when this holds (after the mode's own list has been chosen). */
  when?: (context: FormContext) => boolean;
}

export interface TextControl extends ControlBase {
  kind: "text" | "url" | "secret";
  required: boolean;
  placeholder?: (context: FormContext) => string;
}
export interface SelectControl extends ControlBase {
  kind: "select";
  options: Array<{ value: string; label: string }>;
  initial: (provider: Provider) => string;
}
export interface CheckboxControl extends ControlBase {
  kind: "checkbox";
  initial: boolean;
}
export type Control = TextControl | SelectControl | CheckboxControl;

const suppliesInjection = ({ provider }: FormContext) => Boolean(provider.user_supplied?.injection);
/** A catalog verification that names the key's companion value (Trello's app key). */
const verifyNeedsSecret = ({ provider }: FormContext) => Boolean(provider.verify?.path.includes("{api_secret}"));
const keyLocation = ({ values }: FormContext) => (values.key_location === "query" ? "query" : "header");

const NAME: TextControl = {
  key: "name",
  path: "name",
  kind: "text",
  required: true,
  label: ({ mode }) => (mode === "oauth2_catalog" ? "Name (optional)" : "Name"),
  placeholder: ({ provider, mode }) => (mode === "oauth2_catalog" ? provider.name : `My ${provider.name}`),
  hint: ({ mode }) => (mode === "oauth2_catalog" ? "Defaults to the provider's name." : undefined),
};
const BASE_URL: TextControl = {
  key: "base_url",
  path: "base_url",
  kind: "url",
  required: true,
  label: () => "Base URL",
  placeholder: () => "https://api.example.com",
  hint: ({ provider }) =>
    provider.user_supplied?.verify
      ? "Every request through this connection goes to a path under this URL."
      : `Your ${provider.name} account's own API address (see the provider's documentation).`,
  when: ({ provider, mode }) => Boolean(provider.user_supplied?.base_url) && mode !== "oauth2_catalog",
};
const VERIFY_PATH: TextControl = {
  key: "verify_path",
  path: "verify_request",
  kind: "text",
  required: false,
  label: () => "Verification path (optional)",
  placeholder: () => "/v1/me",
  hint: () => "Tests send GET to this path under the base URL; without one they request the base URL itself.",
  // An authorization-code connection is proven by its token exchange, not by a request the user names.
  when: ({ provider, mode }) =>
    Boolean(provider.user_supplied?.verify) && mode !== "oauth2_catalog" && mode !== "oauth2_custom",
};
const CLIENT_ID: TextControl = {
  key: "client_id",
  path: "data.client_id",
  kind: "text",
  required: true,
  label: () => "Client ID",
};
const TOKEN_URL: TextControl = {
  key: "token_url",
  path: "data.token_url",
  kind: "url",
  required: true,
  label: () => "Token URL",
  placeholder: () => "https://auth.example.com/oauth/token",
};
const SCOPES: TextControl = {
  key: "scopes",
  path: "data.scopes",
  kind: "text",
  required: false,
  label: () => "Scopes (optional)",
  placeholder: () => "read write",
  hint: () => "Separated by spaces.",
};
const TOKEN_AUTH: SelectControl = {
  key: "token_auth_method",
  path: "data.token_auth_method",
  kind: "select",
  label: () => "Client authentication at the token endpoint",
  options: [
    { value: "client_secret_basic", label: "HTTP Basic (client_secret_basic)" },
    { value: "client_secret_post", label: "In the request body (client_secret_post)" },
  ],
  initial: () => "client_secret_basic",
};

/** The controls of each mode, in display order (NAME, BASE_URL and VERIFY_PATH are added around them). */
export const CONTROLS_BY_MODE: Record<FormMode, Control[]> = {
  api_key: [
    {
      key: "api_key",
      path: "data.api_key",
      kind: "secret",
      required: true,
      label: ({ provider }) => provider.api_key?.secret_name ?? "API key",
      hint: ({ provider }) =>
        provider.api_key && !provider.user_supplied?.injection
          ? `Sent in the ${provider.api_key.location === "query" ? "query parameter" : "header"} ${provider.api_key.name}.`
          : undefined,
    },
    {
      key: "api_secret",
      path: "data.api_secret",
      kind: "text",
      required: true,
      label: () => "Application key",
      hint: () => "The app's public API key, which the provider wants next to the token.",
      when: verifyNeedsSecret,
    },
    {
      key: "key_location",
      path: "data.key_location",
      kind: "select",
      label: () => "Send the key in",
      options: [
        { value: "header", label: "A header" },
        { value: "query", label: "A query parameter" },
      ],
      initial: (provider) => provider.api_key?.location ?? "header",
      when: suppliesInjection,
    },
    {
      key: "key_name",
      path: "data.key_name",
      kind: "text",
      required: false,
      label: (context) => (keyLocation(context) === "query" ? "Parameter name (optional)" : "Header name (optional)"),
      placeholder: (context) =>
        keyLocation(context) === "query" ? "api_key" : (context.provider.api_key?.name ?? "Authorization"),
      when: suppliesInjection,
    },
    {
      key: "key_prefix",
      path: "data.key_prefix",
      kind: "text",
      required: false,
      label: () => "Prefix (optional)",
      placeholder: ({ values }) =>
        String(values.key_name || "Authorization").toLowerCase() === "authorization" ? "Bearer " : "",
      hint: () =>
        "Text before the key, such as “Bearer ” (with its space). Empty: “Bearer ” for Authorization, none otherwise.",
      when: (context) => suppliesInjection(context) && keyLocation(context) === "header",
    },
  ],
  bearer: [{ key: "token", path: "data.token", kind: "secret", required: true, label: () => "Token" }],
  basic: [
    {
      key: "username",
      path: "data.username",
      kind: "text",
      required: true,
      label: ({ provider }) => (provider.id === "freshdesk" ? "API key (as username)" : "Username"),
    },
    { key: "password", path: "data.password", kind: "secret", required: true, label: () => "Password" },
  ],
  oauth2_catalog: [],
  oauth2_custom: [
    CLIENT_ID,
    {
      key: "client_secret",
      path: "data.client_secret",
      kind: "secret",
      required: false,
      label: () => "Client secret (optional for public clients)",
    },
    {
      key: "authorization_url",
      path: "data.authorization_url",
      kind: "url",
      required: true,
      label: () => "Authorization URL",
      placeholder: () => "https://auth.example.com/oauth/authorize",
    },
    TOKEN_URL,
    SCOPES,
    { key: "pkce", path: "data.pkce", kind: "checkbox", initial: true, label: () => "Use PKCE (recommended)" },
    TOKEN_AUTH,
  ],
  oauth2_client_credentials: [
    CLIENT_ID,
    { key: "client_secret", path: "data.client_secret", kind: "secret", required: true, label: () => "Client secret" },
    TOKEN_URL,
    SCOPES,
    TOKEN_AUTH,
  ],
};

/** Every control the form shows for this provider and mode, in order. */
export function visibleControls(context: FormContext): Control[] {
  const all = [NAME, BASE_URL, ...CONTROLS_BY_MODE[context.mode], VERIFY_PATH];
  return all.filter((control) => !control.when || control.when(context));
}

/** Initial values for a mode: empty texts, each select's and checkbox's default. */
export function initialValues(provider: Provider, mode: FormMode): Values {
  const values: Values = {};
  for (const control of [NAME, BASE_URL, ...CONTROLS_BY_MODE[mode], VERIFY_PATH]) {
    values[control.key] =
      control.kind === "select" ? control.initial(provider) : control.kind === "checkbox" ? control.initial : "";
  }
  return values;
}

/**
 * The required text controls left empty, by request path. `name` is not needed to test a draft, and
 * catalog OAuth names default to the provider's.
 */
export function missingRequired(context: FormContext, purpose: "save" | "test"): Record<string, string> {
  const missing: Record<string, string> = {};
  for (const control of visibleControls(context)) {
    if (control.kind === "select" || control.kind === "checkbox" || !control.required) continue;
    if (control.key === "name" && (purpose === "test" || context.mode === "oauth2_catalog")) continue;
    if (!String(context.values[control.key] ?? "").trim()) missing[control.path] = "is required";
  }
  return missing;
}

const text = (values: Values, key: string) => String(values[key] ?? "");
const trimmed = (values: Values, key: string) => text(values, key).trim() || undefined;

/** The request's `data` for each mode, from the visible controls' values. */
export function dataOf(context: FormContext): Record<string, unknown> {
  const { values, mode } = context;
  const shown = new Set(visibleControls(context).map((control) => control.key));
  const scopes = text(values, "scopes").split(/\s+/).filter(Boolean);
  switch (mode) {
    case "api_key": {
      const data: Record<string, unknown> = { api_key: text(values, "api_key") };
      if (shown.has("api_secret")) data.api_secret = trimmed(values, "api_secret");
      if (shown.has("key_location")) {
        data.key_location = values.key_location;
        data.key_name = trimmed(values, "key_name");
        // A prefix is kept as typed ("Bearer " ends with a space); empty means the default.
        data.key_prefix = text(values, "key_prefix") === "" ? undefined : text(values, "key_prefix");
      }
      return data;
    }
    case "bearer":
      return { token: text(values, "token") };
    case "basic":
      return { username: text(values, "username").trim(), password: text(values, "password") };
    case "oauth2_catalog":
      return {};
    case "oauth2_custom":
      return {
        client_id: trimmed(values, "client_id"),
        client_secret: text(values, "client_secret") || undefined,
        authorization_url: trimmed(values, "authorization_url"),
        token_url: trimmed(values, "token_url"),
        scopes: scopes.length > 0 ? scopes : undefined,
        pkce: values.pkce === true,
        token_auth_method: values.token_auth_method,
      };
    case "oauth2_client_credentials":
      return {
        client_id: trimmed(values, "client_id"),
        client_secret: text(values, "client_secret"),
        token_url: trimmed(values, "token_url"),
        scopes: scopes.length > 0 ? scopes : undefined,
        token_auth_method: values.token_auth_method,
      };
  }
}

/** The secret controls of a mode, relabelled for "replace secrets" on the detail page. */
export function secretControls(mode: FormMode): TextControl[] {
  return CONTROLS_BY_MODE[mode]
    .filter((control): control is TextControl => control.kind === "secret")
    .map((control) => ({
      ...control,
      required: true,
      label: (context) => `New ${control.label(context).replace(/ \(optional.*\)$/, "")}`,
    }));
}

export const METHOD_CHOICES: Record<CatalogAuthMethod, string> = {
  api_key: "API key",
  bearer: "Bearer token",
  basic: "Username and password",
  oauth2: "OAuth 2.0 (sign in with the provider)",
  oauth2_client_credentials: "OAuth 2.0 client credentials (server to server)",
};
