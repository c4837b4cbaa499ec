// The registry of domain services, built once per process by createServices (src/services.ts) and
// handed to GraphQL resolvers (the context), job kinds and CLI commands. Each module adds its own
// service here (declaration merging, in the module's index.ts), so this file knows no module:
//
//   declare module "../../lib/services.js" {
//     interface Services { tags: TagService }
//   }

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Services {}
