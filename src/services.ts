// Every domain service, built once per app over one database and one event publisher.
import type { Db } from "./db/client.js";
import type { EventPublisher } from "./lib/events.js";
import { ArtifactService } from "./modules/artifacts/service.js";
import { TokenService } from "./modules/auth/service.js";
import { GroupService } from "./modules/groups/service.js";
import { TagService } from "./modules/tags/service.js";

export interface Services {
  tokens: TokenService;
  artifacts: ArtifactService;
  tags: TagService;
  groups: GroupService;
}

export function createServices(db: Db, events: EventPublisher): Services {
  return {
    tokens: new TokenService(db),
    artifacts: new ArtifactService(db, events),
    tags: new TagService(db),
    groups: new GroupService(db),
  };
}
