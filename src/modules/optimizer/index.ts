// optimizer: which prompt optimizer to use (selector.ts) and the training examples it learns from
// (owns the TrainingExample table).
import type { OptimizerPlanService } from "./recommendations.js";
import type { TrainingService } from "./service.js";

export { TrainingService, type AddTrainingExampleInput } from "./service.js";
export { recommendOptimizer, type OptimizerKind } from "./selector.js";
export { OptimizerPlanService, OPTIMIZERS, type RecordedPlan } from "./recommendations.js";
export type { OptimizerAccuracy } from "./accuracy.js";

declare module "../../lib/services.js" {
  interface Services {
    training: TrainingService;
    optimizerPlans: OptimizerPlanService;
  }
}
