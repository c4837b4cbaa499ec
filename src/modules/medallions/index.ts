// medallions: checkpoints agents save and resume from, found by scope (owns the Medallion,
// MedallionGraphNode and MedallionTag tables).
import type { MedallionService } from "./service.js";

export { MedallionService, toDocument, type CheckpointResult, type ScopeInput } from "./service.js";
export type { MedallionDocument, MedallionStatus } from "./document.js";

declare module "../../lib/services.js" {
  interface Services {
    medallions: MedallionService;
  }
}
