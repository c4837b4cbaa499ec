// groups: ordered sets of artifacts within a collection (owns the Group and GroupMember tables).
import type { GroupService } from "./service.js";

export { GroupService, type GroupInput } from "./service.js";

declare module "../../lib/services.js" {
  interface Services {
    groups: GroupService;
  }
}
