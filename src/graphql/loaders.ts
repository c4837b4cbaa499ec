// Per-request batch loading (dataloader), traced: every batch a loader sends is a span of its own,
// `load <name>` with the batch size, so the I/O of nested fields resolved through a loader shows
// in a trace under the field that started the batch. With tracing off it costs nothing.
import DataLoader from "dataloader";
import { inSpan } from "../lib/telemetry.js";

/** The attributes of a batch's span. */
const batchAttributes = (name: string, size: number) => ({ "dataloader.name": name, "dataloader.batch_size": size });

/** A DataLoader whose batch loads are traced as `load <name>`. */
export function tracedLoader<K, V, C = K>(name: string, batch: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, C>): DataLoader<K, V, C> {
  return new DataLoader<K, V, C>((keys) => inSpan(`load ${name}`, batchAttributes(name, keys.length), () => Promise.resolve(batch(keys))), options);
}

/** A Pothos `load` function (t.loadable, t.loadableList) whose batch loads are traced as `load <name>`. */
export function tracedLoad<K, V, Ctx>(name: string, load: (keys: K[], ctx: Ctx) => Promise<V>): (keys: K[], ctx: Ctx) => Promise<V> {
  return (keys, ctx) => inSpan(`load ${name}`, batchAttributes(name, keys.length), () => load(keys, ctx));
}
