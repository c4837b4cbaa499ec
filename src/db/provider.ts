// Which database a URL names: SQLite (file:) is the embedded default, PostgreSQL scales out.
export type Provider = "sqlite" | "postgresql";

export function providerOf(databaseUrl: string): Provider {
  return databaseUrl.startsWith("file:") ? "sqlite" : "postgresql";
}
