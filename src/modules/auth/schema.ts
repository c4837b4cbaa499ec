// Who am I, and API token management for admins.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { changeErrors, writeErrors } from "../../graphql/errors.js";
import { SCOPES, type Scope } from "../../lib/principal.js";

export const ScopeEnum = builder.enumType("Scope", {
  description: "What a token may do. admin includes write, and write includes read.",
  values: {
    READ: { value: "read", description: "Query and subscribe." },
    WRITE: { value: "write", description: "Change artifacts, collections, tags, groups …" },
    ADMIN: { value: "admin", description: "Manage tokens and run admin operations." },
  } as const,
});

const ViewerType = builder.simpleObject("Viewer", {
  description: "Who the request is authenticated as.",
  fields: (t) => ({
    name: t.string({ description: 'The token\'s name, or "anonymous".' }),
    anonymous: t.boolean({ description: "True when the request carries no token." }),
    scopes: t.field({ type: [ScopeEnum], description: "Effective scopes of this request." }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: ViewerType,
    description: "Who is asking and what they may do. Answers without any scope.",
    skipTypeScopes: true,
    resolve: (_r, _a, ctx) => ({
      name: ctx.principal.name,
      anonymous: ctx.principal.kind === "anonymous",
      scopes: SCOPES.filter((s) => ctx.principal.scopes.has(s)),
    }),
  }),
);

export const ApiTokenRef = builder.prismaNode("ApiToken", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  authScopes: { admin: true },
  description: "An API token. The secret is shown once, at creation, and never stored.",
  select: { id: true, name: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name, chosen at creation." }),
    scopes: t.field({ type: [ScopeEnum], description: "Granted scopes.", resolve: (tk) => tk.scopes.split(",") as Scope[] }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true, description: "Last request with it (recorded at most once a minute)." }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true, description: "When it was revoked; null while it is valid." }),
  }),
});

builder.queryField("apiTokens", (t) =>
  t.prismaConnection({
    type: "ApiToken",
    cursor: "id",
    authScopes: { admin: true },
    description: "All API tokens, oldest first (admin).",
    resolve: (query, _r, _a, ctx) => ctx.services.tokens.page(query),
    totalCount: (_c, _a, ctx) => ctx.services.tokens.count(),
  }, connectionFor(ApiTokenRef, "ApiToken", "API tokens")),
);

const CreateApiTokenInput = builder.inputType("CreateApiTokenInput", {
  description: "A token to create: its name and scopes.",
  fields: (t) => ({
    name: t.string({
      required: true,
      description: "Unique; 1–64 letters, digits, space or _ . @ -.",
      validate: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.@-]{0,63}$/, "must be 1–64 letters, digits, space or _ . @ -, starting with a letter or digit"),
    }),
    scopes: t.field({ type: [ScopeEnum], required: true, description: "At least one.", validate: z.array(z.string()).min(1, "must name at least one scope") }),
  }),
});

const CreateApiTokenPayload = builder.simpleObject("CreateApiTokenPayload", {
  description: "The result of createApiToken: the only time the secret is shown.",
  fields: (t) => ({
    secret: t.string({ description: "The bearer token. Shown only here, only now: store it." }),
    token: t.field({ type: ApiTokenRef, description: "The new token." }),
  }),
});
const RevokeApiTokenPayload = builder.simpleObject("RevokeApiTokenPayload", {
  description: "The result of revokeApiToken.",
  fields: (t) => ({ revokedTokenId: t.id({ description: "Global ID of the revoked token." }) }),
});

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreateApiTokenPayload,
    authScopes: { admin: true },
    description: "Creates a token (admin).",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CreateApiTokenInput, required: true, description: "The token's name and scopes." }) },
    resolve: async (_r, { input }, ctx) => {
      const { token, secret } = await ctx.services.tokens.create(input.name, input.scopes);
      return { secret, token: await ctx.services.tokens.get(token.id) };
    },
  }),
  revokeApiToken: t.field({
    type: RevokeApiTokenPayload,
    authScopes: { admin: true },
    description: "Revokes a token at once (admin). Revoking twice is harmless.",
    errors: { types: changeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: ApiTokenRef, description: "The token's global ID." }) },
    resolve: async (_r, args, ctx) => {
      const token = await ctx.services.tokens.revoke(args.id.id);
      return { revokedTokenId: encodeGlobalID("ApiToken", token.id) };
    },
  }),
}));
