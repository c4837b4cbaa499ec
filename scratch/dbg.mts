import { createTestApp } from "../test/helpers/app.ts";
import { createApp } from "../src/app.ts";
const t = await createTestApp();
(t.app.logger as any).error = (m: string, f: any) => console.log("LOG", m, f);
const r = await t.execute(`{ artifacts(first: 101) { totalCount } }`);
console.log(JSON.stringify(r.errors));
const r2 = await t.execute(`mutation { addArtifact(input: {type: SKILL, name: "x", origin: LOCAL}) { __typename } }`, undefined, { token: "write" });
console.log(JSON.stringify(r2.errors ?? r2.data));
await t.close();
