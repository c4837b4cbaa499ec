// Sharing: signingKeys, trustedKeys, verifyBundle; rotateSigningKey, trustKey, revokeTrustedKey
// (admin), exportBundle (a sharing.export job). Private keys have no field: they never leave the server.
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import type { Context } from "../../graphql/context.js";
import type { ShareLink } from "../../generated/prisma/client.js";
import { ErrorInterface } from "../../graphql/errors.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { JobRef } from "../jobs/schema.js";
import { SecretKeyError } from "../mcp/index.js";
import { BundleVerificationError } from "./errors.js";
import type { SigningKeyView } from "./keys.js";
import type { ImportPreview, ImportPreviewItem, VerifyResult } from "./service.js";

export const BundleProblemEnum = builder.enumType("BundleProblem", {
  description: "Which bundle check failed.",
  values: {
    MALFORMED: { description: "Not a safe, readable bundle: a symlink, hard link, traversal or absolute path, duplicate entry, size limit, or a bad signature file." },
    MANIFEST_CHANGED: { description: "The signature does not match the manifest (the manifest or the signature was changed), or the manifest is invalid." },
    FILE_CHANGED: { description: "A file's size or SHA-256 differs from the manifest's." },
    FILE_MISSING: { description: "A file the manifest lists (or the manifest itself) is not in the bundle." },
    FILE_EXTRA: { description: "The bundle holds a file the manifest does not list." },
    UNKNOWN_KEY: { description: "The signer is neither this instance's key nor a trusted key." },
    REVOKED_KEY: { description: "The signer's trusted key was revoked." },
    UNSIGNED: { description: "The bundle has no signature (only an admin may accept one, with allowUnsigned)." },
  } as const,
});

builder.objectType(BundleVerificationError, {
  name: "BundleVerificationError",
  description: "A bundle is refused; problem says which check failed and path which entry.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof BundleVerificationError,
  fields: (t) => ({
    problem: t.expose("problem", { type: BundleProblemEnum, description: "Which check failed." }),
    path: t.exposeString("path", { nullable: true, description: "The archive entry concerned (manifest.json, signature.json, files/…), when one is." }),
  }),
});

const SigningKeyRef = builder.objectRef<SigningKeyView>("SigningKey").implement({
  description: "One of this instance's Ed25519 bundle signing keys (public parts only: the private key is sealed and never returned).",
  fields: (t) => ({
    publicKey: t.exposeString("publicKey", { description: "The raw 32-byte public key, base64: give it to trustKey on another instance." }),
    fingerprint: t.exposeString("fingerprint", { description: "SHA-256 of the raw public key, hex: names the signer in bundles." }),
    active: t.boolean({ description: "Whether it signs new bundles (false once rotated out).", resolve: (k) => k.retiredAt === null }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was generated." }),
    retiredAt: t.expose("retiredAt", { type: "DateTime", nullable: true, description: "When it was rotated out." }),
  }),
});

export const TrustedKeyRef = builder.prismaNode("TrustedKey", {
  id: { field: "id" },
  nullable: true,
  description: "A public key whose bundles this instance accepts (until revoked).",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Who it belongs to, as the admin named it." }),
    publicKey: t.exposeString("publicKey", { description: "The raw 32-byte Ed25519 public key, base64." }),
    fingerprint: t.exposeString("fingerprint", { description: "SHA-256 of the raw public key, hex." }),
    createdBy: t.exposeString("createdBy", { nullable: true, description: "The admin who trusted it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was trusted." }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true, description: "When it was revoked; bundles it signed are refused from then on." }),
  }),
});

export const BundleTrustEnum = builder.enumType("BundleTrust", {
  description: "Who vouches for a verified bundle.",
  values: { OWN: { description: "Signed by this instance's key." }, TRUSTED: { description: "Signed by a trusted key." }, UNVERIFIED: { description: "Signed by a key this instance neither owns nor trusts; accepted explicitly (installListing with acceptUnverified)." }, UNSIGNED: { description: "Not signed; an admin accepted it explicitly." } } as const,
});

const BundleArtifactRef = builder.objectRef<VerifyResult["manifest"]["artifacts"][number]>("BundleArtifact").implement({
  description: "One artifact a bundle's manifest lists.",
  fields: (t) => ({
    type: t.exposeString("type", { description: "SKILL, COMMAND, AGENT …" }),
    name: t.exposeString("name", { description: "Its name." }),
    version: t.exposeString("version", { nullable: true, description: "Its declared version." }),
    contentHash: t.exposeString("contentHash", { description: "SHA-256 over its file tree." }),
    tags: t.exposeStringList("tags", { description: "Its tags' names." }),
    files: t.int({ description: "How many files it has.", resolve: (a) => a.files.length }),
  }),
});

const BundleVerificationRef = builder.objectRef<VerifyResult>("BundleVerification").implement({
  description: "A bundle that passed every check.",
  fields: (t) => ({
    file: t.exposeString("file", { description: "The bundle file's name in the bundles folder." }),
    sha256: t.exposeString("sha256", { description: "SHA-256 of the whole bundle file." }),
    name: t.exposeString("name", { description: "The bundle's name." }),
    version: t.exposeString("version", { description: "The bundle's version." }),
    createdBy: t.exposeString("createdBy", { nullable: true, description: "Who exported it." }),
    signer: t.exposeString("signer", { nullable: true, description: "The signing key's fingerprint; null when unsigned." }),
    trust: t.expose("trust", { type: BundleTrustEnum, description: "Own key, trusted key, or unsigned." }),
    artifacts: t.field({ type: [BundleArtifactRef], description: "What it holds.", resolve: (v) => v.manifest.artifacts }),
  }),
});

const ImportPreviewStatusEnum = builder.enumType("BundleImportStatus", {
  description: "How a bundled artifact compares with the target collection.",
  values: { NEW: { description: "No artifact with its key." }, IDENTICAL: { description: "The same content hash: importing changes nothing." }, CONFLICT: { description: "The same key with other content." } } as const,
});

const BundleFileChangeStatusEnum = builder.enumType("BundleFileChangeStatus", {
  description: "How a bundled artifact's file differs from the existing artifact's.",
  values: { ADDED: { description: "Only in the bundle." }, REMOVED: { description: "Only in the existing artifact." }, MODIFIED: { description: "In both, with other content." } } as const,
});

const BundleFileChangeRef = builder.objectRef<ImportPreviewItem["changes"][number]>("BundleFileChange").implement({
  description: "A file that differs between a bundled artifact and the existing one.",
  fields: (t) => ({
    path: t.exposeString("path", { description: "The file's path." }),
    status: t.expose("status", { type: BundleFileChangeStatusEnum, description: "ADDED (only in the bundle), REMOVED (only here) or MODIFIED." }),
  }),
});

const BundleImportItemRef = builder.objectRef<ImportPreviewItem>("BundleImportItem").implement({
  description: "One bundled artifact in an import preview.",
  fields: (t) => ({
    type: t.exposeString("type", { description: "SKILL, COMMAND, AGENT …" }),
    name: t.exposeString("name", { description: "Its name." }),
    status: t.expose("status", { type: ImportPreviewStatusEnum, description: "NEW, IDENTICAL or CONFLICT." }),
    contentHash: t.exposeString("contentHash", { description: "The bundled content's hash." }),
    existingContentHash: t.exposeString("existingContentHash", { nullable: true, description: "The existing artifact's content hash, when there is one." }),
    changes: t.field({ type: [BundleFileChangeRef], description: "For a conflict: the files that differ.", resolve: (i) => i.changes }),
  }),
});

const BundleImportPreviewRef = builder.objectRef<ImportPreview>("BundleImportPreview").implement({
  description: "What importing a verified bundle into a collection would do (nothing is written).",
  fields: (t) => ({
    verification: t.field({ type: BundleVerificationRef, description: "The bundle's verification.", resolve: (p) => p.verification }),
    collection: t.exposeString("collection", { description: "The target collection." }),
    items: t.field({ type: [BundleImportItemRef], description: "Each bundled artifact.", resolve: (p) => p.items }),
  }),
});

builder.queryFields((t) => ({
  bundleImportPreview: t.field({
    type: BundleImportPreviewRef,
    description: "Verifies a bundle and lists each artifact as NEW, IDENTICAL or CONFLICT (with the files that differ) against a collection (default: \"default\"). Writes nothing. allowUnsigned needs admin.",
    errors: { types: [BundleVerificationError, InvalidInputError, NotFoundError], directResult: true },
    args: {
      file: t.arg.string({ required: true, description: "The bundle file's name in the bundles folder." }),
      collection: t.arg.string({ description: 'The target collection; "default" when omitted.' }),
      allowUnsigned: t.arg.boolean({ description: "Admin only: accept a bundle with no signature." }),
    },
    resolve: (_root, args, ctx) => {
      const allowUnsigned = args.allowUnsigned === true;
      if (allowUnsigned && !ctx.principal.scopes.has("admin")) throw new InvalidInputError("allowUnsigned", "only an admin may accept unsigned bundles");
      return ctx.services.sharing.previewImport(args.file, args.collection, { allowUnsigned });
    },
  }),
  signingKeys: t.field({
    type: [SigningKeyRef],
    description: "This instance's bundle signing keys, newest first (public keys and fingerprints). The first is generated on first use.",
    resolve: async (_r, _a, ctx) => {
      await ctx.services.sharing.keys.current();
      return ctx.services.sharing.keys.list();
    },
  }),
  trustedKeys: t.prismaField({
    type: ["TrustedKey"],
    description: "The public keys whose bundles this instance accepts, revoked ones included (see revokedAt).",
    resolve: (_q, _r, _a, ctx) => ctx.services.sharing.keys.trusted(),
  }),
}));

const ExportBundleInput = builder.inputType("ExportBundleInput", {
  description: "What to bundle: exactly one of artifacts or collection; and the bundle's name and version.",
  fields: (t) => ({
    artifacts: t.globalIDList({ description: "The artifacts (their current versions)." }),
    collection: t.string({ description: "A collection's name: all its artifacts." }),
    name: t.string({ required: true, description: "The bundle's name (letters, digits, . _ -)." }),
    version: t.string({ required: true, description: "The bundle's version (e.g. 1.0.0)." }),
  }),
});

const ExportBundlePayload = builder.simpleObject("ExportBundlePayload", {
  description: "The export job; its result names the bundle file, its SHA-256, size and signer.",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The sharing.export job (watch it with jobUpdated)." }) }),
});

const ImportStrategyEnum = builder.enumType("BundleImportStrategy", {
  description: "What importBundle does with a conflict (same key, other content).",
  values: {
    MERGE: { description: "The bundled content becomes a new version of the existing artifact." },
    FORK: { description: "Imported beside it as <name>-<first 8 hex of its content hash>." },
    SKIP: { description: "Left as it is." },
    ASK: { description: 'The job pauses (PENDING_HITL) with every conflict and its per-file diff in the prompt; answer with respondToJob: { "artifacts": { "<type>:<name>": "MERGE" | "FORK" | "SKIP" } }.' },
  } as const,
});

const BundleSourceInput = builder.inputType("BundleSourceInput", {
  description: "Where importBundle gets a bundle from, besides a file in the bundles folder.",
  fields: (t) => ({ url: t.string({ required: true, description: "An http(s) URL to download it from (another instance's share link); size limit SKILLGRAPH_BUNDLE_MAX_BYTES, timeout SKILLGRAPH_BUNDLE_DOWNLOAD_TIMEOUT_MS." }) }),
});

const ImportBundlePayload = builder.simpleObject("ImportBundlePayload", {
  description: "The import job; its result lists each artifact with what was done (CREATED, UNCHANGED, SKIPPED, MERGED, FORKED).",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The sharing.import job (watch it with jobUpdated)." }) }),
});

builder.mutationFields((t) => ({
  exportBundle: t.field({
    type: ExportBundlePayload,
    description: "Exports artifacts or a collection as a signed, deterministic .skillmeat-pack bundle (a sharing.export job): the same content gives byte-identical files.",
    errors: { types: [InvalidInputError, NotFoundError], directResult: true },
    args: { input: t.arg({ type: ExportBundleInput, required: true, description: "What to bundle, and the bundle's name and version." }) },
    resolve: async (_root, { input }, ctx) => {
      const data = { artifacts: input.artifacts ? input.artifacts.map((g) => g.id) : null, collection: input.collection ?? null, name: input.name, version: input.version };
      ctx.services.sharing.checkExport(data);
      if (data.collection) await ctx.services.collections.byName(data.collection);
      const job = await ctx.services.jobs.enqueue("sharing.export", data, ctx.principal);
      return { job };
    },
  }),
  verifyBundle: t.field({
    type: BundleVerificationRef,
    description: "Verifies a bundle in the bundles folder: archive safety, signer (own or trusted, not revoked), signature over the manifest, and every file. allowUnsigned needs admin.",
    errors: { types: [BundleVerificationError, InvalidInputError, NotFoundError], directResult: true },
    args: {
      file: t.arg.string({ required: true, description: "The bundle file's name (e.g. team-1.0.0.skillmeat-pack)." }),
      allowUnsigned: t.arg.boolean({ description: "Admin only: accept a bundle with no signature." }),
    },
    resolve: (_root, args, ctx) => {
      const allowUnsigned = args.allowUnsigned === true;
      if (allowUnsigned && !ctx.principal.scopes.has("admin")) throw new InvalidInputError("allowUnsigned", "only an admin may accept unsigned bundles");
      return ctx.services.sharing.verifyBundle(args.file, { allowUnsigned });
    },
  }),
  importBundle: t.field({
    type: ImportBundlePayload,
    description: "Verifies a bundle and imports it into a collection as a sharing.import job (preview it first with bundleImportPreview): NEW artifacts are created with their bundled tags, IDENTICAL ones untouched, conflicts MERGEd (new version), FORKed (<name>-<hash8>), SKIPped, or ASKed about (the job pauses). Give file or source.url (downloaded, verified, then kept in the bundles folder). Importing twice changes nothing. allowUnsigned needs admin.",
    errors: { types: [InvalidInputError, NotFoundError], directResult: true },
    args: {
      file: t.arg.string({ description: "The bundle file's name in the bundles folder (or give source)." }),
      source: t.arg({ type: BundleSourceInput, description: "A URL to download the bundle from (or give file)." }),
      collection: t.arg.string({ description: 'The target collection; "default" when omitted.' }),
      strategy: t.arg({ type: ImportStrategyEnum, required: true, description: "What to do with a conflict." }),
      allowUnsigned: t.arg.boolean({ description: "Admin only: accept a bundle with no signature." }),
    },
    resolve: async (_root, args, ctx) => {
      const allowUnsigned = args.allowUnsigned === true;
      if (allowUnsigned && !ctx.principal.scopes.has("admin")) throw new InvalidInputError("allowUnsigned", "only an admin may accept unsigned bundles");
      const url = args.source?.url ?? null;
      if ((args.file ? 1 : 0) + (url ? 1 : 0) !== 1) throw new InvalidInputError("file", "give exactly one of file and source.url");
      if (url) ctx.services.sharing.checkSource(url);
      if (args.file) await ctx.services.sharing.checkBundle(args.file);
      if (args.collection) await ctx.services.collections.byName(args.collection);
      const job = await ctx.services.jobs.enqueue("sharing.import", { file: args.file ?? null, url, collection: args.collection ?? null, strategy: args.strategy, allowUnsigned }, ctx.principal);
      return { job };
    },
  }),
  rotateSigningKey: t.field({
    type: SigningKeyRef,
    authScopes: { admin: true },
    description: "Admin: generates a new signing key; the old ones sign nothing more (their bundles still verify here). Needs admin.",
    errors: { types: [SecretKeyError], directResult: true },
    resolve: (_r, _a, ctx) => ctx.services.sharing.keys.rotate(),
  }),
  trustKey: t.prismaField({
    type: "TrustedKey",
    authScopes: { admin: true },
    description: "Admin: trusts a public key (raw Ed25519, base64, as signingKeys shows it) under a name; trusting a revoked key again restores it.",
    errors: { types: [InvalidInputError], directResult: true },
    args: { publicKey: t.arg.string({ required: true, description: "The raw 32-byte Ed25519 public key, base64 (another instance's signingKeys.publicKey)." }), name: t.arg.string({ required: true, description: "Whose key it is (1–200 characters)." }) },
    resolve: (_q, _r, args, ctx) => ctx.services.sharing.keys.trust(args.publicKey, args.name, ctx.principal),
  }),
  revokeTrustedKey: t.prismaField({
    type: "TrustedKey",
    authScopes: { admin: true },
    description: "Admin: revokes a trusted key: bundles it signed are refused from now on.",
    errors: { types: [NotFoundError], directResult: true },
    args: { id: t.arg.globalID({ required: true, for: TrustedKeyRef, description: "The trusted key." }) },
    resolve: (_q, _r, args, ctx) => ctx.services.sharing.keys.revoke(args.id.id),
  }),
}));

// ---- share links

export const ShareLinkRef = builder.prismaNode("ShareLink", {
  id: { field: "id" },
  nullable: true,
  description: "A link that serves a bundle file at GET /share/<token> until it expires, is revoked or runs out of downloads. The token is shown once, by createShareLink.",
  fields: (t) => ({
    file: t.exposeString("file", { description: "The bundle file's name in the bundles folder." }),
    size: t.exposeInt("size", { description: "The bundle's size in bytes when the link was made." }),
    sha256: t.exposeString("sha256", { description: "The bundle's SHA-256 when the link was made (sent as x-content-sha256)." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", description: "When it stops serving." }),
    maxDownloads: t.exposeInt("maxDownloads", { nullable: true, description: "Downloads it serves at most; null: no limit." }),
    downloads: t.exposeInt("downloads", { description: "Downloads served so far." }),
    lastDownloadAt: t.expose("lastDownloadAt", { type: "DateTime", nullable: true, description: "When it was last downloaded." }),
    createdBy: t.exposeString("createdBy", { nullable: true, description: "Who made it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was made." }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true, description: "When it was revoked; it serves nothing from then on." }),
    active: t.boolean({
      description: "Whether it serves now (not revoked, not expired, downloads left).",
      resolve: (l) => l.revokedAt === null && l.expiresAt.getTime() > Date.now() && (l.maxDownloads === null || l.downloads < l.maxDownloads),
    }),
  }),
});

const CreatedShareLinkRef = builder.objectRef<{ url: string; link: ShareLink }>("CreatedShareLink").implement({
  description: "A new share link and its URL; the URL holds the token, which is never shown again.",
  fields: (t) => ({
    url: t.exposeString("url", { description: "<public URL>/share/<token>: give it to whoever should download the bundle (importBundle(source: {url}) on another instance)." }),
    link: t.field({ type: ShareLinkRef, description: "The link's record (without its token).", resolve: (p) => p.link }),
  }),
});

/** The request's origin (scheme and host, as the host check let it through): share links' default base URL. */
const requestOrigin = (ctx: Context & { request?: Request }) => {
  try {
    return ctx.request ? new URL(ctx.request.url).origin : null;
  } catch {
    return null;
  }
};

builder.queryFields((t) => ({
  shareLinks: t.prismaConnection(
    {
      type: "ShareLink",
      cursor: "id",
      authScopes: { write: true },
      description: "Share links, newest first (revoked and expired ones included; see active). Needs write.",
      resolve: (query, _root, _args, ctx) => ctx.services.sharing.links.list(query),
      totalCount: (_c, _a, ctx) => ctx.services.sharing.links.count(),
    },
    connectionFor(ShareLinkRef, "ShareLink", "share links"),
  ),
}));

builder.mutationFields((t) => ({
  createShareLink: t.field({
    type: CreatedShareLinkRef,
    authScopes: { write: true },
    description: "Makes a link serving a bundle file at GET /share/<token> (URL base: SKILLGRAPH_PUBLIC_URL, else this request's origin). The token is random, stored hashed, and shown only in this answer.",
    errors: { types: [InvalidInputError, NotFoundError], directResult: true },
    args: {
      bundle: t.arg.string({ required: true, description: "The bundle file's name in the bundles folder (e.g. team-1.0.0.skillmeat-pack)." }),
      expiresIn: t.arg.int({ required: true, description: "Seconds until the link expires (1 to 31536000, a year)." }),
      maxDownloads: t.arg.int({ description: "Downloads it serves at most (1 to 1000000); none: no limit." }),
    },
    resolve: async (_root, args, ctx) => {
      const made = await ctx.services.sharing.links.create(ctx.principal, { file: args.bundle, expiresIn: args.expiresIn, maxDownloads: args.maxDownloads ?? null }, requestOrigin(ctx));
      return { url: made.url, link: made.link };
    },
  }),
  revokeShareLink: t.prismaField({
    type: "ShareLink",
    authScopes: { write: true },
    description: "Revokes a share link: GET /share/<token> answers 410 from now on. Revoking twice keeps the first time.",
    errors: { types: [NotFoundError], directResult: true },
    args: { id: t.arg.globalID({ required: true, for: ShareLinkRef, description: "The share link." }) },
    resolve: (_q, _r, args, ctx) => ctx.services.sharing.links.revoke(args.id.id),
  }),
}));
