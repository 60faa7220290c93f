import { verifyCodeChallenge } from "../../crypto/pkce";
import { randomToken } from "../../crypto/tokens";
import { type AuthorizationUrlInput, type IdentityProvider, IdentityProviderError, type SignInProfile } from "./types";

/**
 * The dev identity provider (SPEC §5.2): the embedded default when WorkOS is not configured outside
 * production. It plays WorkOS's part in the same redirect flow — authorize → a form asking for an
 * email and a name → an authorization code bound to the PKCE challenge → the shared callback — so the
 * callback, user upsert and session code that production runs are exercised locally and in tests.
 * It never exists in production: `identityProviderFor` refuses it there and its routes answer 404.
 */
export const DEV_LOGIN_PATH = "/api/auth/dev/login";
export const DEV_CODE_TTL_SECONDS = 60;
const CODE_PREFIX = "auth:devcode:";

interface DevAuthorizationCode {
  email: string;
  name: string | null;
  codeChallenge: string;
}

export class DevIdentityProvider implements IdentityProvider {
  readonly kind = "dev" as const;
  readonly #kv: KVNamespace;
  readonly #appOrigin: string;

  constructor(kv: KVNamespace, appOrigin: string) {
    this.#kv = kv;
    this.#appOrigin = appOrigin;
  }

  authorizationUrl(input: AuthorizationUrlInput): string {
    const url = new URL(DEV_LOGIN_PATH, this.#appOrigin);
    url.searchParams.set("state", input.state);
    return url.toString();
  }

  /** Issues a single-use code for the person who filled in the dev login form. */
  async issueCode(email: string, name: string | null, codeChallenge: string): Promise<string> {
    const code = randomToken();
    const record: DevAuthorizationCode = { email, name, codeChallenge };
    await this.#kv.put(CODE_PREFIX + code, JSON.stringify(record), { expirationTtl: DEV_CODE_TTL_SECONDS });
    return code;
  }

  async authenticateWithCode(code: string, codeVerifier: string): Promise<SignInProfile> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(code)) throw new IdentityProviderError("rejected", "unknown authorization code");
    const record = await this.#kv.get<DevAuthorizationCode>(CODE_PREFIX + code, "json");
    if (!record) throw new IdentityProviderError("rejected", "unknown or used authorization code");
    await this.#kv.delete(CODE_PREFIX + code);
    if (!(await verifyCodeChallenge(codeVerifier, record.codeChallenge, "S256"))) {
      throw new IdentityProviderError("rejected", "PKCE verification failed");
    }
    return { externalUserId: null, email: record.email, name: record.name, emailVerified: true, authMethod: "dev" };
  }
}
