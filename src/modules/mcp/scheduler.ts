// The health sweep as a BackgroundTask: every SKILLGRAPH_MCP_HEALTH_INTERVAL_S seconds (0 = off)
// it checks every deployed server, a few at a time. Once the jobs module lands this becomes a
// recurring job; until then the app starts and stops it with the server.
import type { Logger } from "../../lib/logger.js";
import type { BackgroundTask } from "../../services.js";
import type { McpService } from "./service.js";

export function mcpHealthScheduler(service: McpService, intervalS: number, logger: Logger): BackgroundTask {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    service.sweep().catch((err: unknown) => logger.error("mcp health sweep failed", { error: String(err) }));
  };
  return {
    name: "mcp-health-sweep",
    async start() {
      stopped = false;
      if (intervalS <= 0 || timer) return;
      timer = setInterval(tick, intervalS * 1000);
      setImmediate(tick);
      logger.info("mcp health sweep scheduled", { intervalS });
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      // Kills the processes of running checks and waits for the sweep to finish.
      await service.shutdown();
    },
  };
}
