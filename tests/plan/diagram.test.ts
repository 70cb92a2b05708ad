/**
 * The stack diagrams: Mermaid flowchart syntax by the rules of mermaid-js/mermaid
 * docs/syntax/flowchart.md (plan/mermaid.ts), what each shipped stack draws, and docs/diagrams.md
 * kept equal to what `npm run plan -- <stack> --diagram` prints. No Mermaid parser is installed in
 * node_modules, so the syntax is checked line by line against the forms the docs give.
 */
import * as fs from "fs";
import * as path from "path";
import { diagramsDocument } from "../../plan/diagram";
import { mermaidId, mermaidLabel, SAFE_ID } from "../../plan/mermaid";
import { shippedStacks } from "../../plan/stack";
import { planRuns, type PlanRun } from "../helpers/recorded";

const stacks = shippedStacks();
let runs: Map<string, PlanRun>;

beforeAll(async () => {
  runs = await planRuns(stacks, "--diagram");
}, 600_000);

const QUOTED = String.raw`"[^"]*"`;
const ID = String.raw`[A-Za-z][A-Za-z0-9_]*`;
const SHAPE = String.raw`(\[|\(|\(\[|\[\(|\{\{)${QUOTED}(\]|\)|\]\)|\)\]|\}\})`;
const FORMS = {
  subgraph: new RegExp(`^subgraph (${ID}) \\[${QUOTED}\\]$`),
  node: new RegExp(`^(${ID})${SHAPE}$`),
  link: new RegExp(`^(${ID}) (-->|-\\.->)(\\|${QUOTED}\\|)? (${ID})$`),
};

/** The flowchart's ids and links, or a throw naming the first line no documented form reads. */
function parse(block: string) {
  const lines = block.trim().split("\n");
  expect(lines[0]).toBe("```mermaid");
  expect(lines.at(-1)).toBe("```");
  expect(lines[1]).toBe("flowchart TB");
  const subgraphs: string[] = [];
  const nodes = new Map<string, string>();
  const links: [string, string][] = [];
  let open = 0;
  for (const raw of lines.slice(2, -1)) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = line.match(FORMS.subgraph))) {
      subgraphs.push(m[1]);
      open++;
    } else if (line === "end") {
      open--;
      if (open < 0) throw new Error("`end` without a subgraph");
    } else if ((m = line.match(FORMS.node))) nodes.set(m[1], line);
    else if ((m = line.match(FORMS.link))) links.push([m[1], m[4]]);
    else throw new Error(`not a flowchart line: ${line}`);
  }
  return { subgraphs, nodes, links, open };
}

describe("Mermaid syntax", () => {
  it("quotes a label and codes the characters that would end or change it (flowchart.md, Entity codes)", () => {
    expect(mermaidLabel('say "hi" [x] (y) #1 <b> `md`')).toBe(
      '"say #quot;hi#quot; [x] (y) #35;1 #lt;b#gt; #96;md#96;"',
    );
    expect(mermaidLabel(["a", "b\nc"])).toBe('"a<br/>b c"');
  });

  it("makes ids of [A-Za-z0-9_] that are never `end` and never start with o or x", () => {
    for (const parts of [["end"], ["ops"], ["x-ray"], ["1st"], ["pool", "control-plane"], ["é"]]) {
      const id = mermaidId(...parts);
      expect(id).toMatch(SAFE_ID);
      expect(id.toLowerCase()).not.toBe("end");
      expect(id).not.toMatch(/^[ox]/);
    }
    expect(mermaidId("pool", "control-plane")).toBe("pool_control_plane");
  });
});

describe.each(stacks)("the diagram of %s", (stack) => {
  it("is a flowchart whose subgraphs all close, ids are safe and links join defined ids", () => {
    const run = runs.get(stack)!;
    expect(run.status).toBe(0);
    const g = parse(run.stdout);
    expect(g.open).toBe(0);
    const ids = new Set([...g.subgraphs, ...g.nodes.keys()]);
    for (const id of ids) expect(id).toMatch(SAFE_ID);
    expect(ids.has("end")).toBe(false);
    for (const [from, to] of g.links) {
      expect(ids).toContain(from);
      expect(ids).toContain(to);
    }
    for (const s of ["region", "dmz", "appTier", "dataTier", "management", "nodePools"])
      expect(g.subgraphs).toContain(s);
  });
});

describe("what the shipped stacks draw", () => {
  const graph = (stack: string) => parse(runs.get(stack)!.stdout);

  /** Each node's line by id. */
  const labels = (g: ReturnType<typeof graph>) =>
    Object.fromEntries([...g.nodes].map(([id, line]) => [id, line]));

  it("production: CloudFront with WAF, RDS Multi-AZ with a replica, the plan's pools, copies out of region", () => {
    const g = graph("production");
    const want = {
      edge_proxy: ["CloudFront + AWS WAF"],
      data_postgres: ["Amazon RDS PostgreSQL", "primary + 1 read replica", "Multi-AZ"],
      pool_app: ["app: m7g.xlarge × 4, autoscaling 4–10"],
      pool_db: ["db: m7g.2xlarge × 1"],
      backup_crossRegion: ["region us-west-2"],
      backup_offsite: ["region sfo3"],
    };
    for (const [id, texts] of Object.entries(want))
      for (const t of texts) expect(labels(g)[id]).toContain(t);
    expect(g.links).toContainEqual(["mgmt_backups", "backup_offsite"]);
  });

  it("production-hetzner: Cloudflare Pro, self-hosted Postgres and MinIO, one pool per documented node", () => {
    const g = graph("production-hetzner");
    const want = {
      edge_proxy: "Cloudflare pro",
      data_postgres: "CloudNativePG (self-hosted)",
      data_objects: "MinIO × 1",
      pool_control_plane: "control-plane: cx23 × 3",
      pool_app: "app: cx43 × 2",
      pool_db: "db: ccx43 × 1",
    };
    for (const [id, text] of Object.entries(want)) expect(labels(g)[id]).toContain(text);
    expect(g.nodes.has("backup_crossRegion")).toBe(false);
    expect(g.links).toContainEqual(["appTier", "pool_app"]);
  });

  it("local: no edge, no pools of its own, nothing leaves the cluster", () => {
    const g = graph("local");
    expect(g.subgraphs).not.toContain("edgeTier");
    expect(g.nodes.get("pool_existing")).toContain("kind-platform");
    expect(g.links).toContainEqual(["users", "dmz_lb"]);
    expect([...g.nodes.keys()].filter((id) => id.startsWith("backup_"))).toEqual([]);
  });
});

it("docs/diagrams.md is what `npm run plan -- <stack> --diagram` prints now", () => {
  const committed = fs.readFileSync(path.resolve(__dirname, "../../docs/diagrams.md"), "utf8");
  const now = diagramsDocument(stacks.map((s) => [s, runs.get(s)!.stdout]));
  // Regenerate with: node -r ./plan/register.js scripts/diagrams.ts
  expect(committed).toBe(now);
});

it("the pull-request comment embeds the diagram, collapsed, at its end", async () => {
  const md = (await planRuns(["local"], "--markdown")).get("local")!.stdout;
  const block = runs.get("local")!.stdout.trim();
  expect(md).toContain(`<details><summary>diagram</summary>\n\n${block}\n\n</details>`);
  expect(md.trim().endsWith("</details>")).toBe(true);
}, 120_000);
