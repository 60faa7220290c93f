export type { AccessPrincipal as McpPrincipal } from "../oauth-server/resource-auth";
