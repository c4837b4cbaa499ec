// Vaults: vaults (connection), Vault.bundles (read from the vault, each verified); createVault and
// removeVault (admin); pushBundle and pullBundle (sharing.push / sharing.pull jobs). Credentials have
// no field: hasCredentials says whether there are any.
import { createContextCache } from "@pothos/core";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../../graphql/builder.js";
import { connectionFor } from "../../../graphql/connections.js";
import type { Context } from "../../../graphql/context.js";
import { ErrorInterface } from "../../../graphql/errors.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../../lib/errors.js";
import { JobRef } from "../../jobs/schema.js";
import { SecretKeyError } from "../../mcp/index.js";
import { BundleProblemEnum, BundleTrustEnum } from "../schema.js";
import type { Standing } from "../keys.js";
import { VaultError } from "../vault-store.js";
import type { VaultBundle } from "../vaults.js";

builder.objectType(VaultError, {
  name: "VaultError",
  description: "A vault could not be reached or refused the operation (the message never holds credentials).",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof VaultError,
  fields: (t) => ({ vault: t.exposeString("vault", { description: "The vault's name." }) }),
});

/** The signers' standing, read once per request (two statements) for every vault listed. */
const ringOf = createContextCache((_ctx: Context): { ring: Promise<Standing> | null } => ({ ring: null }));
const ring = (ctx: Context) => {
  const cache = ringOf(ctx);
  cache.ring ??= ctx.services.sharing.keys.ring();
  return cache.ring;
};

const VaultKindEnum = builder.enumType("VaultKind", {
  description: "Where a vault keeps its bundles.",
  values: {
    FOLDER: { description: "A folder on the server, under SKILLGRAPH_VAULT_ROOTS." },
    GIT: { description: "A branch of a git repository: each push is a commit." },
    S3: { description: "A bucket (under a prefix) of an S3-compatible service: AWS, MinIO, …" },
  } as const,
});

const VaultBundleRef = builder.objectRef<VaultBundle>("VaultBundle").implement({
  description: "A bundle found in a vault (<name>/<version>.skillmeat-pack), verified as a pull would verify it.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The bundle's name." }),
    version: t.exposeString("version", { description: "The bundle's version." }),
    size: t.exposeInt("size", { description: "The file's size in bytes." }),
    sha256: t.exposeString("sha256", { nullable: true, description: "SHA-256 of the file; null when it is over SKILLGRAPH_BUNDLE_MAX_BYTES (not read)." }),
    pushedAt: t.expose("pushedAt", { type: "DateTime", nullable: true, description: "When it was last written: the file's time, the last commit touching it, or the object's LastModified." }),
    signer: t.exposeString("signer", { nullable: true, description: "The verified signer's key fingerprint; null when unsigned or refused." }),
    trust: t.expose("trust", { type: BundleTrustEnum, nullable: true, description: "Who vouches for it (own key, trusted key, unsigned); null when refused." }),
    problem: t.expose("problem", { type: BundleProblemEnum, nullable: true, description: "Why pulling it would be refused; null when it verifies." }),
    problemMessage: t.exposeString("problemMessage", { nullable: true, description: "The refusal in words; null when it verifies." }),
  }),
});

export const VaultRef = builder.prismaNode("Vault", {
  id: { field: "id" },
  nullable: true,
  description: "A named place bundles are pushed to and pulled from: a folder, a git repository branch or an S3-compatible bucket.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name." }),
    kind: t.expose("kind", { type: VaultKindEnum, description: "FOLDER, GIT or S3." }),
    config: t.expose("config", {
      type: "JSON",
      description: "The non-secret settings: FOLDER { path }, GIT { url, branch }, S3 { endpoint, region, bucket, prefix, forcePathStyle }.",
    }),
    hasCredentials: t.boolean({ description: "Whether credentials are stored (sealed; they are never returned).", select: { sealedCredentials: true }, resolve: (v) => v.sealedCredentials !== null }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
    createdBy: t.exposeString("createdBy", { nullable: true, description: "Who created it." }),
    bundles: t.field({
      type: [VaultBundleRef],
      description: "What the vault holds now (read from the folder, the branch or the bucket), by name and version, each verified.",
      errors: {
        types: [VaultError, SecretKeyError],
        union: { name: "VaultBundlesResult", description: "The vault's bundles, or why the vault could not be read." },
        result: { name: "VaultBundlesSuccess", description: "The bundles found in the vault." },
        dataField: { description: "Each bundle, by name and version." },
      },
      select: { id: true, name: true, kind: true, config: true, sealedCredentials: true },
      resolve: async (v, _a, ctx) => ctx.services.sharing.vaults.bundles(v, await ring(ctx)),
    }),
  }),
});

builder.queryFields((t) => ({
  vaults: t.prismaConnection(
    {
      type: "Vault",
      cursor: "id",
      description: "The vaults, by name.",
      resolve: (query, _root, _args, ctx) => ctx.services.sharing.vaults.list(query),
      totalCount: (_c, _a, ctx) => ctx.services.sharing.vaults.count(),
    },
    connectionFor(VaultRef, "Vault", "vaults"),
  ),
}));

const FolderVaultInput = builder.inputType("FolderVaultInput", {
  description: "A FOLDER vault's settings.",
  fields: (t) => ({ path: t.string({ required: true, description: "An existing folder (absolute path) inside one of SKILLGRAPH_VAULT_ROOTS." }) }),
});

const GitVaultInput = builder.inputType("GitVaultInput", {
  description: "A GIT vault's settings.",
  fields: (t) => ({
    url: t.string({ required: true, description: "The repository: any URL git understands, without a password; a local path or file:// URL must be inside SKILLGRAPH_VAULT_ROOTS." }),
    branch: t.string({ description: 'The branch bundles are committed to; "main" when omitted (created on the first push).' }),
  }),
});

const S3VaultInput = builder.inputType("S3VaultInput", {
  description: "An S3 vault's settings and credentials.",
  fields: (t) => ({
    endpoint: t.string({ description: "The service's endpoint URL (MinIO and other S3-compatible services); AWS when omitted." }),
    region: t.string({ description: 'The region; "us-east-1" when omitted.' }),
    bucket: t.string({ required: true, description: "The bucket (it must exist)." }),
    prefix: t.string({ description: "A key prefix the bundles go under (e.g. team/); none when omitted." }),
    forcePathStyle: t.boolean({ description: "Address the bucket in the path (http://host/bucket/key), as MinIO and most S3-compatible services need; false when omitted." }),
    accessKeyId: t.string({ description: "The access key id (stored sealed, never returned)." }),
    secretAccessKey: t.string({ description: "The secret access key (stored sealed, never returned)." }),
  }),
});

const CreateVaultInput = builder.inputType("CreateVaultInput", {
  description: "A new vault: its name and exactly one of folder, git or s3.",
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique name (letters, digits, . _ -)." }),
    folder: t.field({ type: FolderVaultInput, description: "A folder on the server." }),
    git: t.field({ type: GitVaultInput, description: "A git repository branch." }),
    s3: t.field({ type: S3VaultInput, description: "An S3-compatible bucket." }),
  }),
});

const RemoveVaultPayload = builder.simpleObject("RemoveVaultPayload", {
  description: "The vault that was removed (what it holds is left where it is).",
  fields: (t) => ({
    removedVaultId: t.id({ description: "Global ID of the removed vault." }),
    name: t.string({ description: "Its name." }),
  }),
});

const PushBundlePayload = builder.simpleObject("PushBundlePayload", {
  description: "The push job; its result names the vault, the key written (<name>/<version>.skillmeat-pack), SHA-256, size and signer.",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The sharing.push job (watch it with jobUpdated)." }) }),
});

const PullBundlePayload = builder.simpleObject("PullBundlePayload", {
  description: "The pull job; its result names the file written in the bundles folder (import it with importBundle), its SHA-256, signer and trust.",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The sharing.pull job (watch it with jobUpdated)." }) }),
});

builder.mutationFields((t) => ({
  createVault: t.prismaField({
    type: "Vault",
    authScopes: { admin: true },
    description: "Admin: creates a vault. Folders (and local git repositories) must be inside SKILLGRAPH_VAULT_ROOTS; S3 credentials are stored sealed and never returned.",
    errors: { types: [InvalidInputError, AlreadyExistsError, SecretKeyError], directResult: true },
    args: { input: t.arg({ type: CreateVaultInput, required: true, description: "The vault's name and settings." }) },
    resolve: (_q, _r, { input }, ctx) => ctx.services.sharing.vaults.create(ctx.principal, input),
  }),
  removeVault: t.field({
    type: RemoveVaultPayload,
    authScopes: { admin: true },
    description: "Admin: removes a vault; the bundles in it are left where they are.",
    errors: { types: [NotFoundError, InvalidInputError], directResult: true },
    args: { name: t.arg.string({ required: true, description: "The vault's name." }) },
    resolve: async (_r, args, ctx) => {
      const removed = await ctx.services.sharing.vaults.remove(args.name);
      return { removedVaultId: encodeGlobalID("Vault", removed.id), name: removed.name };
    },
  }),
  pushBundle: t.field({
    type: PushBundlePayload,
    description: "Verifies a bundle of the bundles folder and writes it into a vault as <name>/<version>.skillmeat-pack (a sharing.push job). allowUnsigned needs admin.",
    errors: { types: [InvalidInputError, NotFoundError], directResult: true },
    args: {
      vault: t.arg.string({ required: true, description: "The vault's name." }),
      bundle: t.arg.string({ required: true, description: "The bundle file's name in the bundles folder (e.g. team-1.0.0.skillmeat-pack)." }),
      allowUnsigned: t.arg.boolean({ description: "Admin only: push a bundle with no signature." }),
    },
    resolve: async (_r, args, ctx) => {
      const allowUnsigned = args.allowUnsigned === true;
      if (allowUnsigned && !ctx.principal.scopes.has("admin")) throw new InvalidInputError("allowUnsigned", "only an admin may push unsigned bundles");
      await ctx.services.sharing.vaults.checkPush(args.vault, args.bundle);
      const job = await ctx.services.jobs.enqueue("sharing.push", { vault: args.vault, bundle: args.bundle, allowUnsigned }, ctx.principal);
      return { job };
    },
  }),
  pullBundle: t.field({
    type: PullBundlePayload,
    description: "Reads a bundle from a vault by name and version, verifies it as importBundle does (a changed or unknown-signer bundle fails the job with its BundleProblem) and stores it in the bundles folder (a sharing.pull job). allowUnsigned needs admin.",
    errors: { types: [InvalidInputError, NotFoundError], directResult: true },
    args: {
      vault: t.arg.string({ required: true, description: "The vault's name." }),
      name: t.arg.string({ required: true, description: "The bundle's name." }),
      version: t.arg.string({ required: true, description: "The bundle's version." }),
      allowUnsigned: t.arg.boolean({ description: "Admin only: accept a bundle with no signature." }),
    },
    resolve: async (_r, args, ctx) => {
      const allowUnsigned = args.allowUnsigned === true;
      if (allowUnsigned && !ctx.principal.scopes.has("admin")) throw new InvalidInputError("allowUnsigned", "only an admin may accept unsigned bundles");
      await ctx.services.sharing.vaults.checkPull(args.vault, args.name, args.version);
      const job = await ctx.services.jobs.enqueue("sharing.pull", { vault: args.vault, name: args.name, version: args.version, allowUnsigned }, ctx.principal);
      return { job };
    },
  }),
}));
