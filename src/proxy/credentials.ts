import {
  apiKeyCredentials,
  basicCredentials,
  bearerCredentials,
  type CredentialProviders,
  usedThroughOwnEndpoints,
} from "../connections/credentials";
import { clientCredentialsCredentials, oauth2Credentials } from "../oauth-client/credentials";

/**
 * The credential provider of every connection method: the one table the proxy core, connection tests,
 * status and delete consult. A new connection method adds its row here, nowhere else.
 */
export const CREDENTIAL_PROVIDERS: CredentialProviders = {
  api_key: apiKeyCredentials,
  bearer: bearerCredentials,
  basic: basicCredentials,
  oauth2: oauth2Credentials,
  oauth2_client_credentials: clientCredentialsCredentials,
  mcp: usedThroughOwnEndpoints("mcp", "their tool endpoints (/api/connections/:id/tools)"),
  paragon: usedThroughOwnEndpoints("paragon", "the Paragon endpoints (/api/paragon)"),
};
