// Query limits from graphql-armor: depth, aliases, tokens and directives. Cost is the Pothos
// complexity plugin's (builder.ts): it knows connection page sizes. The messages say which limit
// was hit, never its value. Aliases of __typename count like any other (armor skips them by default).
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { Config } from "../../config.js";

/** `hideSuggestions`: strip "Did you mean …" from validation errors (introspection is not public). */
export function useQueryLimits(limits: Config["limits"], options: { hideSuggestions?: boolean } = {}) {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, exposeLimits: false, errorMessage: "Query is nested too deeply." },
    maxAliases: { n: limits.maxAliases, exposeLimits: false, errorMessage: "Query uses too many aliases.", allowList: [] },
    maxTokens: { n: limits.maxTokens, exposeLimits: false, errorMessage: "Query document has too many tokens." },
    maxDirectives: { n: 50, exposeLimits: false, errorMessage: "Query uses too many directives." },
    costLimit: { enabled: false },
    // Suggestions describe the schema: hidden whenever introspection is not open to every reader.
    blockFieldSuggestion: { enabled: options.hideSuggestions === true },
  });
}
