import * as fs from "fs";
import * as path from "path";
import { StackConfigSchema } from "../../config";
import { stackFileSchema } from "../../scripts/schema";
import { shippedStacks } from "../../plan/stack";

const ROOT = path.resolve(__dirname, "../..");

describe("stack file JSON Schema", () => {
  it("is up to date with the config schema (run npm run schema)", () => {
    const committed = JSON.parse(
      fs.readFileSync(path.join(ROOT, "schema/stack-config.schema.json"), "utf8"),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(stackFileSchema())));
  });

  it("is referenced by every shipped stack file for editor validation", () => {
    for (const stack of shippedStacks(ROOT)) {
      const text = fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
      expect(text.split("\n")[0]).toBe(
        "# yaml-language-server: $schema=./schema/stack-config.schema.json",
      );
    }
  });

  it("lists the allowed values, so an editor flags platform:tier: huge", () => {
    const tier = (stackFileSchema() as any).properties.config.properties["platform:tier"];
    expect(tier.enum).toEqual(["local", "staging", "small", "medium", "large", "enterprise"]);
  });

  it("is documented key by key in the README", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const key of Object.keys(StackConfigSchema.shape))
      expect(readme).toContain(`| \`${key}\` |`);
  });
});
