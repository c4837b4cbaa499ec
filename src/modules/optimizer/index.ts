// optimizer: which prompt optimizer to use (selector.ts) and the training examples it learns from
// (owns the TrainingExample table).
import type { TrainingService } from "./service.js";

export { TrainingService, type AddTrainingExampleInput } from "./service.js";
export { recommendOptimizer, type OptimizerKind } from "./selector.js";

declare module "../../lib/services.js" {
  interface Services {
    training: TrainingService;
  }
}
