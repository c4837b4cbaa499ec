// Environment values of MCP servers (the McpServerEnv table): plain values, and secrets sealed at
// rest (secrets.ts); opened only to build a launch specification.
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import type { McpServer } from "../../generated/prisma/client.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { MissingEnvError } from "./errors.js";
import { declaredInputs, launchSpec, launchTarget, missingEnv, type LaunchSpec } from "./launch.js";
import { documentOf } from "./registry.js";
import { requireSecretBox, type SecretBox } from "./secrets.js";

export interface EnvValueInput {
  name: string;
  /** null unsets the variable. */
  value: string | null;
  /** Overrides the declaration: undeclared variables are secret unless told otherwise. */
  isSecret?: boolean | null;
}

export interface OpenedValues {
  values: Map<string, string>;
  /** The plain text of every stored secret (to redact it wherever it appears). */
  secrets: string[];
  secretNames: Set<string>;
}

export class McpEnvValues {

  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.secretBox = requireSecretBox(config, logger);
  }

  private readonly secretBox: () => SecretBox;


  /** Sets (or, with value null, unsets) variables of a server, in one transaction. */
  async set(server: McpServer, values: EnvValueInput[]): Promise<void> {
    const id = server.id;
    const declared = new Map(declaredInputs(launchTarget(documentOf(server))).map((v) => [v.name, v]));
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v.name)) throw new InvalidInputError(`values.${i}.name`, `"${v.name}" is given twice`);
      seen.add(v.name);
      const decl = declared.get(v.name);
      if (v.value !== null && decl?.choices && !decl.choices.includes(v.value)) {
        throw new InvalidInputError(`values.${i}.value`, `must be one of the declared choices for ${v.name}`);
      }
    });
    const needsKey = values.some((v) => v.value !== null && (declared.get(v.name)?.isSecret || (v.isSecret ?? !declared.has(v.name))));
    const box = needsKey ? this.secretBox() : null;
    await this.db.transaction(async ({ prisma: tx }) => {
      for (const v of values) {
        if (v.value === null) {
          await tx.mcpServerEnv.deleteMany({ where: { serverId: id, name: v.name } });
          continue;
        }
        const decl = declared.get(v.name);
        const isSecret = decl?.isSecret === true || (v.isSecret ?? !decl);
        const data = isSecret
          ? { isSecret, value: null, ciphertext: (box ?? this.secretBox()).seal(v.value, `${id}\u0000${v.name}`) }
          : { isSecret, value: v.value, ciphertext: null };
        await tx.mcpServerEnv.upsert({ where: { serverId_name: { serverId: id, name: v.name } }, create: { serverId: id, name: v.name, ...data }, update: data });
      }
    });
  }

  /** Every stored value in plain text (secrets opened), and the secret values for redaction. */
  async open(serverId: string): Promise<OpenedValues> {
    const rows = await this.db.prisma.mcpServerEnv.findMany({ where: { serverId } });
    const values = new Map<string, string>();
    const secrets: string[] = [];
    const secretNames = new Set<string>();
    for (const r of rows) {
      if (r.isSecret && r.ciphertext !== null) {
        const plain = this.secretBox().open(r.ciphertext, `${serverId}\u0000${r.name}`);
        values.set(r.name, plain);
        secrets.push(plain);
        secretNames.add(r.name);
      } else if (r.value !== null) values.set(r.name, r.value);
    }
    return { values, secrets, secretNames };
  }

  /** The launch specification of a server with its values filled in; MissingEnvError when a required one is unset. */
  async spec(server: McpServer): Promise<OpenedValues & { spec: LaunchSpec }> {
    const doc = documentOf(server);
    const opened = await this.open(server.id);
    const missing = missingEnv(doc, new Set(opened.values.keys()));
    if (missing.length) throw new MissingEnvError(missing);
    return { ...opened, spec: launchSpec(doc, opened.values) };
  }
}
