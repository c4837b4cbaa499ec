// GraphQL mutations for installing listings: installListing (a marketplace.install job), the trust tiers and
// the error an unaccepted, unverified install returns.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { ErrorInterface } from "../../graphql/errors.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { JobRef } from "../jobs/schema.js";
import { BundleVerificationError } from "../sharing/index.js";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { UnverifiedListingError } from "./errors.js";
import { ListingRef } from "./types.js";

export const InstallTrustEnum = builder.enumType("InstallTrust", {
  description: "How far an install can be trusted.",
  values: {
    VERIFIED: { description: "A bundle signed by this instance's key or a trusted key (trustKey), whose SHA-256 matches the listing." },
    UNVERIFIED: { description: "Signed by a key this instance does not trust, or not a bundle at all (a Claude Code plugin's git files, an MCP registry server.json): installed only with acceptUnverified." },
    UNSIGNED: { description: "A bundle with no signature: installed only by an admin with acceptUnverified." },
  } as const,
});

const InstallStrategyEnum = builder.enumType("ListingInstallStrategy", {
  description: "What installListing does with an artifact (or MCP server) that exists with other content.",
  values: {
    MERGE: { description: "The listing's content becomes a new version of the existing artifact (an MCP server's server.json is replaced)." },
    FORK: { description: "Bundles only: imported beside it as <name>-<first 8 hex of its content hash>." },
    SKIP: { description: "Left as it is." },
  } as const,
});

builder.objectType(UnverifiedListingError, {
  name: "UnverifiedListingError",
  description: "The listing's content is not VERIFIED and the install was not accepted explicitly (acceptUnverified; an unsigned bundle also needs admin). Nothing was installed.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof UnverifiedListingError,
  fields: (t) => ({
    listing: t.id({ description: "The listing's global ID.", resolve: (e) => encodeGlobalID("MarketplaceListing", e.listingId) }),
    trust: t.field({ type: InstallTrustEnum, description: "The tier the install would have.", resolve: (e) => e.trust }),
    reason: t.exposeString("reason", { description: "Why it is not verified." }),
  }),
});

const InstallListingPayload = builder.simpleObject("InstallListingPayload", {
  description: "The install job; its result has the trust tier, the signer, each artifact with what was done, the MCP server registered, the deployments and the new download count.",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The marketplace.install job (watch it with jobUpdated)." }) }),
});

builder.mutationFields((t) => ({
  installListing: t.field({
    type: InstallListingPayload,
    authScopes: { write: true },
    description:
      "Installs a listing as a marketplace.install job (needs `write`): a bundle is downloaded (its broker's bundleUrl, or the file published here), checked against the listing's SHA-256 and signer, verified and imported with the strategy; a Claude Code plugin's skills, commands and agents are imported from its git repository; an MCP registry server is registered (it runs nothing until an admin approves its launch). Optionally deploys the artifacts into a project. Only VERIFIED content installs unless acceptUnverified is true (an UNSIGNED bundle also needs admin).",
    errors: { types: [NotFoundError, InvalidInputError, UnverifiedListingError, BundleVerificationError], directResult: true },
    args: {
      listing: t.arg.globalID({ required: true, for: ListingRef, description: "The listing to install." }),
      strategy: t.arg({ type: InstallStrategyEnum, required: true, description: "What to do with an artifact that exists with other content." }),
      collection: t.arg.string({ description: "The collection to import into (default: \"default\").", validate: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters") }),
      deployTo: t.arg.string({ description: "A project (name or id) to deploy the installed artifacts into.", validate: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters") }),
      acceptUnverified: t.arg.boolean({ description: "Install content that is not VERIFIED (an unknown signer, a plugin, an MCP server; an unsigned bundle needs admin too)." }),
    },
    resolve: async (_root, args, ctx) => {
      const admin = ctx.principal.scopes.has("admin");
      const input = {
        listing: args.listing.id,
        strategy: args.strategy,
        collection: args.collection ?? null,
        deployTo: args.deployTo ?? null,
        acceptUnverified: args.acceptUnverified === true,
        acceptUnsigned: args.acceptUnverified === true && admin,
        byAdmin: admin,
      };
      await ctx.services.marketplace.installer.check(input);
      return { job: await ctx.services.jobs.enqueue("marketplace.install", input, ctx.principal) };
    },
  }),
}));
