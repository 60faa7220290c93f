import type { CredentialProvider } from "../connections/credentials";
import { AppError } from "../platform/errors";
import { paragonTokenFor, requireParagonApi } from "./service";

/**
 * The credential provider of `paragon` connections (SPEC §6.6 proxy, through Paragon's Proxy API): a
 * Paragon connection's `base_url` is `{PARAGON_PROXY_URL}/projects/{id}/sdk/proxy/{integration}` (set when
 * the webhook creates it), so the generic proxy and the workflow HTTP node reach the integration's API
 * with a fresh user token for the connection's owner and its `X-Paragon-Credential`.
 *
 * The user token opens every integration of its user, so it is only ever sent to that Paragon proxy
 * prefix: a `base_url` edited to point anywhere else is refused before anything is sent.
 * @see https://docs.useparagon.com/apis/proxy
 */
export function paragonProxyBase(proxyOrigin: string, projectId: string, integration: string): string {
  return `${proxyOrigin}/projects/${encodeURIComponent(projectId)}/sdk/proxy/${integration}`;
}

export const paragonCredentials: CredentialProvider<"paragon"> = {
  proxyable: true,
  renewsOnRejection: false,
  injectedHeaders: () => ["authorization", "x-paragon-credential"],
  async inject(context, connection, request) {
    const api = requireParagonApi(context.config);
    const { integration, credential_id: credentialId } = connection.connection.data;
    const prefix = `${paragonProxyBase(api.proxyOrigin, api.projectId, integration)}/`;
    if (!request.url.href.startsWith(prefix)) {
      throw new AppError(
        "target_not_allowed",
        "A Paragon connection only sends requests through Paragon's Proxy API for its integration",
      );
    }
    const { token } = await paragonTokenFor(context.config, { id: connection.userId });
    request.headers.set("authorization", `Bearer ${token}`);
    request.headers.set("x-paragon-credential", credentialId);
    return undefined;
  },
};
