import * as pulumi from "@pulumi/pulumi";
import { edgeLayer } from "../../components/edge";
import { Recorder, type Registered } from "../../plan/mocks";
import { ofType } from "../helpers/mocks";
import { stackConfig } from "../helpers/stacks";

// Issue 16: "the edge routes to every region's gateway with health checks". On Cloudflare a
// stack's peers (multiRegion.peers) are other regions' gateways, read from their stacks' output
// gatewayAddress: each gets a pool per host with the host's monitor.

const T = {
  monitor: "cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor",
  pool: "cloudflare:index/loadBalancerPool:LoadBalancerPool",
  lb: "cloudflare:index/loadBalancer:LoadBalancer",
};

/** A test group: production-hetzner's edge in front of itself and two peer regions. */
const config = stackConfig("production-hetzner", {
  multiRegion: { group: "test", peers: ["test-eu", "org/platform/test-us"] },
});

/**
 * Registers the edge with the peers' outputs as their stacks would give them. A program reads a
 * stack reference once (components/region caches it), so each test names its own peers.
 */
function build(
  peerOutputs: Record<string, Record<string, unknown>>,
  c = config,
): Promise<Registered[]> {
  const references = Object.fromEntries(
    Object.entries(peerOutputs).map(([stack, outputs]) => [
      stack,
      { outputs, secretOutputNames: [] },
    ]),
  );
  return new Recorder("platform", "test", undefined, references).record(() => {
    edgeLayer(c, { addresses: pulumi.output(["198.51.100.7"]) });
  });
}

const poolFor = (rs: Registered[], id: string) =>
  ofType(rs, T.pool).find((p) => `${p.name}-id` === id)!;

describe("a Cloudflare edge in front of a group's regions", () => {
  let rs: Registered[];
  beforeAll(async () => {
    rs = await build({
      "test-eu": { gatewayAddress: "203.0.113.20" },
      "test-us": { gatewayAddress: "gw.us-east-1.elb.amazonaws.com" },
    });
  });

  it("balances every host over a health-checked pool per region's gateway", () => {
    const lbs = ofType(rs, T.lb);
    expect(lbs.length).toBe(3);
    for (const lb of lbs) {
      const pools = (lb.inputs.defaultPools as string[]).map((id) => poolFor(rs, id));
      expect(pools.map((p) => p.inputs.origins[0].address)).toEqual([
        "198.51.100.7",
        "203.0.113.20",
        "gw.us-east-1.elb.amazonaws.com",
      ]);
      // One monitor per host, on every region's pool of that host.
      const monitors = new Set(pools.map((p) => p.inputs.monitor));
      expect(monitors.size).toBe(1);
      const monitor = ofType(rs, T.monitor).find((m) => `${m.name}-id` === [...monitors][0])!;
      expect(monitor.inputs.description.startsWith(lb.inputs.name)).toBe(true);
      for (const p of pools) {
        expect(p.inputs.enabled).toBe(true);
        expect(p.inputs.origins[0].header).toEqual({ hosts: [lb.inputs.name] });
      }
    }
  });

  it("sends each request to the healthy region nearest by measured round trip", () => {
    for (const lb of ofType(rs, T.lb)) {
      expect(lb.inputs.steeringPolicy).toBe("dynamic_latency");
      // Its own region's pool is the fallback when every pool is down.
      expect(poolFor(rs, lb.inputs.fallbackPool).inputs.origins[0].address).toBe("198.51.100.7");
    }
    expect(ofType(rs, T.pool).map((p) => p.inputs.name)).toEqual(
      expect.arrayContaining(["test-eu-apex", "test-us-apex"]),
    );
  });

  it("keeps a peer without a gateway address yet as a disabled pool, not a broken one", async () => {
    const later = stackConfig("production-hetzner", {
      multiRegion: { group: "test", peers: ["test-ap"] },
    });
    const partial = await build({ "test-ap": {} }, later);
    const late = ofType(partial, T.pool).filter((p) => p.inputs.name.startsWith("test-ap-"));
    expect(late.length).toBe(3);
    for (const p of late) {
      expect(p.inputs.enabled).toBe(false);
      expect(p.inputs.origins[0].enabled).toBe(false);
    }
  });

  it("fails over in order, with no steering, for a stack on its own", async () => {
    const rs1 = await new Recorder("platform", "test").record(() => {
      edgeLayer(stackConfig("production-hetzner"), { addresses: pulumi.output(["198.51.100.7"]) });
    });
    for (const lb of ofType(rs1, T.lb)) expect(lb.inputs.steeringPolicy).toBe("off");
  });
});
