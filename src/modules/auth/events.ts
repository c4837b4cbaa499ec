// The auth module's events.

/** A token was revoked: every instance ends the token's open subscriptions (src/graphql/plugins/revocation.ts). */
export interface TokenRevokedEvent {
  tokenId: string;
  at: string;
}

declare module "../../lib/events.js" {
  interface EventMap {
    "auth:token-revoked": [TokenRevokedEvent];
  }
}
