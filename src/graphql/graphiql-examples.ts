// The tabs GraphiQL opens on (when the browser has no saved tabs): one example operation each for
// the things people come to do, instead of GraphiQL's generic welcome text. A test validates every
// one against the schema, so they cannot drift from it.

const TOKENS = `# Tokens: reads work without one while SKILLGRAPH_PUBLIC_READ is on; everything else needs
# an API token. Create one with \`skillgraph token create --name me --scopes read,write\` and put
# it in the Headers tab below: { "Authorization": "Bearer sgt_…" }. The secret is shown once.`;

export interface ExampleTab {
  title: string;
  query: string;
  variables?: Record<string, unknown>;
}

export const GRAPHIQL_EXAMPLES: readonly ExampleTab[] = [
  {
    title: "Browse artifacts with scores",
    query: `# Browse artifacts, best quality first, with their scores (one round trip).
${TOKENS}
query BrowseArtifacts($first: Int = 10, $after: String) {
  artifacts(first: $first, after: $after, orderBy: { field: QUALITY_SCORE, direction: DESC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        key
        origin
        scores { qualityScore trustScore trustTier confidence userRating { count average } }
      }
    }
  }
}
`,
  },
  {
    title: "Search the marketplace",
    query: `# Search marketplace listings (words match as prefixes), with facets to narrow the search.
${TOKENS}
query SearchMarketplace($query: String = "pdf", $after: String) {
  listings(query: $query, first: 10, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id listingId name description publisher license rating downloads } }
  }
  listingFacets(query: $query) {
    total
    licenses { value count }
    tags { value count }
  }
}
`,
  },
  {
    title: "Watch a job live",
    query: `# Watch a job's progress live (over WebSocket here; SSE works too). Start one first, e.g.
# mutation { recomputeScores { id } } with an admin token, and pass its id as the variable.
${TOKENS}
subscription WatchJob($id: ID!) {
  jobUpdated(id: $id) {
    id
    kind
    status
    progress
    phase
    message
    eventSequence
  }
}
`,
    variables: { id: "paste a Job id here" },
  },
  {
    title: "Load medallions for a scope",
    query: `# What earlier sessions learned about part of the code: medallions whose scope covers every
# graph node asked for (and share a tag, when tags are given), newest first.
${TOKENS}
query LoadMedallions($scope: MedallionScopeInput = { graphNodes: ["src/auth"] }) {
  medallions(scope: $scope, first: 5) {
    totalCount
    edges {
      node {
        medallionId
        scope { graphNodes tags }
        summary { highLevel }
        document
      }
    }
  }
}
`,
  },
];

/** yoga's GraphiQL options: the example tabs, the first one shown at start. */
export function graphiqlTabs(): { defaultQuery: string; defaultTabs: { query: string; variables?: string }[] } {
  const tabs = GRAPHIQL_EXAMPLES.map((tab) => ({
    query: tab.query,
    ...(tab.variables ? { variables: JSON.stringify(tab.variables, null, 2) } : {}),
  }));
  return { defaultQuery: tabs[0]?.query ?? "", defaultTabs: tabs };
}
