import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { NAMESPACE, SECRET_KEYS, StackConfigSchema } from "../config";

/**
 * Writes the JSON Schema of `Pulumi.<stack>.yaml` for editors. Keys are optional in a stack file
 * (the tier preset fills them), so only an app's name, image and port stay required.
 */
export function stackFileSchema(): object {
  const config = z.toJSONSchema(StackConfigSchema, { io: "input", unrepresentable: "any" }) as any;
  const relax = (node: any, keep: boolean): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach((n) => relax(n, keep));
    if (node.required && !keep) delete node.required;
    for (const [k, v] of Object.entries(node))
      relax(v, k === "items" && node.type === "array" && node === appsNode);
  };
  const appsNode = config.properties.apps;
  if (appsNode?.items) appsNode.items.required = ["name", "image", "port"];
  relax(config, false);
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries<any>(config.properties))
    properties[`${NAMESPACE}:${key}`] = value;
  for (const [key, description] of Object.entries(SECRET_KEYS))
    properties[`${NAMESPACE}:${key}`] = {
      description: `Secret: ${description}`,
      type: "object",
      properties: { secure: { type: "string" } },
      required: ["secure"],
    };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Pulumi stack file of the platform program",
    type: "object",
    properties: {
      secretsprovider: { type: "string" },
      encryptedkey: { type: "string" },
      encryptionsalt: { type: "string" },
      config: {
        type: "object",
        properties,
        required: [`${NAMESPACE}:provider`, `${NAMESPACE}:tier`],
        // Provider settings (aws:region, digitalocean:token, hcloud:token...) are the providers' own.
        patternProperties: { [`^(?!${NAMESPACE}:)[a-z0-9-]+:`]: {} },
        additionalProperties: false,
      },
    },
  };
}

if (require.main === module) {
  const out = path.join(__dirname, "..", "schema", "stack-config.schema.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(stackFileSchema(), null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}
