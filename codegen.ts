// Typed documents for the tests: every graphql(`…`) in test/ becomes a TypedDocumentNode in
// test/gql/, checked against the committed SDL (schema/schema.graphql). `npm run codegen`.
// persistedDocuments: each document also gets its sha256 hash (document.__meta__.hash), and
// test/gql/persisted-documents.json lists them all: the manifest a server in
// SKILLGRAPH_TRUSTED_DOCUMENTS=require mode runs (README, "Persisted operations").
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["test/**/*.ts", "bench/**/*.ts", "!test/gql/**"],
  ignoreNoDocuments: true,
  generates: {
    "test/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false, persistedDocuments: true },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown" },
      },
    },
  },
};

export default config;
