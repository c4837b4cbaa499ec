// system: health and readiness of the whole deployment (owns no table: it asks the data layer,
// the jobs and the MCP modules).
import type { SystemService } from "./service.js";

export { SystemService, DATABASE_TICK_MS, type Readiness, type SystemHealthView } from "./service.js";

declare module "../../lib/services.js" {
  interface Services {
    system: SystemService;
  }
}
