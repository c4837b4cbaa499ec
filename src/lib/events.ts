// Domain events: published by services after their transaction commits, delivered to
// subscriptions through the pubsub (in-process or Redis). Payloads are plain JSON.
//
// Each module declares its own events by adding to EventMap (declaration merging, in the module's
// events.ts), so this file knows no module:
//
//   declare module "../../lib/events.js" {
//     interface EventMap { "artifact:changed": [ArtifactChangedEvent] }
//   }

/** Event name → payload tuple (a topic id first where subscribers listen per entity). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventMap {}

/** EventMap as a type literal: yoga's pubsub needs a type indexable by string, which an interface is not. */
export type EventArgs = { [K in keyof EventMap]: EventMap[K] };

export interface EventPublisher {
  publish<K extends keyof EventMap>(name: K, ...payload: EventMap[K]): void;
}
