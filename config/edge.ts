import { CAPABILITIES } from "../catalog/capabilities";
import type { Problem } from "./problems";
import type { EdgeProvider, StackConfig } from "./schema";

// What each edge can be put in front of. The edge is chosen per stack, independent of the cloud
// that runs the cluster (README, "The edge"); these rules keep a stack from asking for an edge
// the program cannot build where it runs.

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The edge a stack gets when `edge.provider` is left out: CloudFront on AWS wherever the tier's
 * CDN is on (`cdn.enabled`, AWS's own edge); elsewhere Cloudflare as soon as the stack names its
 * zone, since no other cloud has an edge of its own; otherwise none.
 */
export function defaultEdgeProvider(raw: Plain, cdnEnabled: boolean): EdgeProvider {
  if (raw.provider === "aws") return cdnEnabled ? "cloudfront" : "none";
  const edge = isPlain(raw.edge) ? raw.edge : {};
  const zone = typeof edge.zoneId === "string" && edge.zoneId !== "";
  return zone && raw.provider !== "existing" ? "cloudflare" : "none";
}

/** What is wrong with the stack's `edge` block, against its provider and its other keys. */
export function edgeProblems(c: StackConfig): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: (string | number)[], message: string) =>
    problems.push({ path: ["edge", ...path], message });
  const e = c.edge;
  if (e.provider === "cloudfront" && CAPABILITIES[c.provider].cdn !== "hosts")
    problem(
      ["provider"],
      `must be cloudflare or none on ${c.provider}: CloudFront is built by the aws layer, in front of its load balancer`,
    );
  if (e.provider === "cloudflare") {
    // The records point at the gateway's load balancer, whose address an existing cluster never
    // reports to the stack (components/existing: no load balancer is awaited).
    if (!CAPABILITIES[c.provider].gatewayAddress)
      problem(
        ["provider"],
        "must be none on existing: the stack does not learn the gateway's address there, which the edge's records point at",
      );
    if (e.zoneId === "")
      problem(
        ["zoneId"],
        `is required with edge.provider cloudflare: the id of the Cloudflare zone holding ${c.domain} (README, "The edge")`,
      );
    if (e.loadBalancing && e.accountId === "")
      problem(
        ["accountId"],
        "is required with edge.loadBalancing: load balancer pools and monitors belong to the account",
      );
    // DigitalOcean issues the Spaces CDN's certificate only for domains whose DNS it serves.
    if (c.provider === "digitalocean" && c.cdn.enabled)
      problems.push({
        path: ["cdn", "enabled"],
        message:
          "must be false with edge.provider cloudflare: the Spaces CDN's Let's Encrypt certificate needs the domain's DNS on DigitalOcean, and Cloudflare serves it",
      });
  } else if (e.loadBalancing)
    problem(
      ["loadBalancing"],
      "needs edge.provider cloudflare: the health-checked pools are Cloudflare's",
    );
  return problems;
}
