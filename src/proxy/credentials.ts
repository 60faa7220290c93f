import {
  apiKeyCredentials,
  basicCredentials,
  bearerCredentials,
  type CredentialProviders,
} from "../connections/credentials";
import { mcpCredentials } from "../mcp-client/credentials";
import { clientCredentialsCredentials, oauth2Credentials } from "../oauth-client/credentials";
import { paragonCredentials } from "../paragon/credentials";

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
  mcp: mcpCredentials,
  paragon: paragonCredentials,
};
