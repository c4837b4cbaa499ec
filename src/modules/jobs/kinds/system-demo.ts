// system.demo: counts through steps with a pause per step, reporting progress and checkpointing
// every step, optionally asking a person to confirm at one step. For smoke tests of a deployment,
// demos of live progress, and the crash and benchmark runs.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { defineJobKind } from "../registry.js";

export const systemDemoInput = z.object({
  steps: z.number().int("must be a whole number").min(1, "must be at least 1").max(10_000, "must be at most 10000").default(10),
  stepMs: z.number().int("must be a whole number").min(0, "must be 0 or more").max(60_000, "must be at most 60000").default(100),
  /** Ask "continue?" before this step (1-based); the answer "stop" ends the job early. */
  confirmAtStep: z.number().int("must be a whole number").min(1, "must be at least 1").optional(),
  /** Fail the first N attempts at step 1 (to see retries). */
  failAttempts: z.number().int("must be a whole number").min(0, "must be 0 or more").max(10, "must be at most 10").default(0),
});

export const systemDemoKind = defineJobKind({
  name: "system.demo",
  description: "Counts through `steps` steps of `stepMs` ms, reporting progress and checkpointing each; optionally asks to confirm at `confirmAtStep`.",
  input: systemDemoInput,
  scope: "admin",
  maxAttempts: 3,
  async run(ctx) {
    const { steps, stepMs, confirmAtStep, failAttempts } = ctx.input;
    const saved = ctx.checkpoint as { step?: unknown } | null;
    const from = typeof saved?.step === "number" ? saved.step : 0;
    for (let step = from + 1; step <= steps; step++) {
      if (step === 1 && ctx.attempt <= failAttempts) throw new Error(`Planned failure on attempt ${ctx.attempt}`);
      if (step === confirmAtStep) {
        const answer = await ctx.ask(`confirm-${step}`, { message: `Continue from step ${step} of ${steps}?`, choices: ["continue", "stop"] });
        if (answer === "stop") return { completedSteps: step - 1, stoppedAt: step };
      }
      if (stepMs > 0) await sleep(stepMs, undefined, { signal: ctx.signal }).catch(() => ctx.throwIfCancelled());
      await ctx.progress((step / steps) * 100, { phase: "counting", message: `Step ${step} of ${steps}`, checkpoint: { step } });
    }
    return { completedSteps: steps, resumedFrom: from };
  },
});
