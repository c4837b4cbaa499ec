// auth: API tokens (owns the ApiToken table) and who a request acts as.
import type { TokenService } from "./service.js";

export { hashToken, TokenService, type TokenInfo } from "./service.js";
export type { TokenRevokedEvent } from "./events.js";

declare module "../../lib/services.js" {
  interface Services {
    tokens: TokenService;
  }
}
