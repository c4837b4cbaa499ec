// Lint: typescript-eslint's recommended rules, plus the design's "no any, no non-null assertions".
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "src/generated/", "test/gql/", "data/", "coverage/", "dist/", ".scratch/", "bench/compare/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", Response: "readonly", Request: "readonly", Headers: "readonly", fetch: "readonly", AbortController: "readonly", AbortSignal: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", setImmediate: "readonly", structuredClone: "readonly", performance: "readonly", queueMicrotask: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Resolvers never touch the database: the context's Prisma client is the Pothos Prisma
    // plugin's alone (src/graphql/builder.ts); everything else asks a service.
    files: ["src/**/*.ts"],
    ignores: ["src/graphql/builder.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='ctx'][property.name=/^(prisma|db)$/]",
          message: "Resolvers ask services; ctx.prisma is only for the Pothos Prisma plugin (src/graphql/builder.ts).",
        },
      ],
    },
  },
);
