// The per-request context: who is asking, the database, services and pubsub.
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Services } from "../services.js";
import type { Viewer } from "../modules/auth/viewer.js";
import type { PubSub } from "./pubsub.js";

export interface Context {
  requestId: string;
  viewer: Viewer;
  db: Db;
  services: Services;
  pubsub: PubSub;
  config: Config;
}
