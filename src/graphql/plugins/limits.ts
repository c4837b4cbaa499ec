// Query limits from graphql-armor: depth, aliases, tokens and directives. Cost is the Pothos
// complexity plugin's (builder.ts): it knows connection page sizes. The messages say which limit
// was hit, never its value.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { Config } from "../../config.js";

export function useQueryLimits(limits: Config["limits"]) {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, exposeLimits: false, errorMessage: "Query is nested too deeply." },
    maxAliases: { n: limits.maxAliases, exposeLimits: false, errorMessage: "Query uses too many aliases." },
    maxTokens: { n: limits.maxTokens, exposeLimits: false, errorMessage: "Query document has too many tokens." },
    maxDirectives: { n: 50, exposeLimits: false, errorMessage: "Query uses too many directives." },
    costLimit: { enabled: false },
    // Introspection is on for GraphiQL users, so hiding suggestions would protect nothing.
    blockFieldSuggestion: { enabled: false },
  });
}
