/**
 * k3s upgrades go through the system upgrade controller: Plans pinned to the stack's k3s release,
 * servers then agents, one node at a time, judged by the vendored Plan CRD of the pinned release.
 */
import {
  AGENT_PLAN,
  k3sRelease,
  MAINTENANCE_WINDOW,
  SERVER_PLAN,
  SUC_IMAGE,
  upgradePlans,
} from "../../components/hetzner";
import type { Registered } from "../../plan/mocks";
import { loadVendoredCrds, validateCustomResource } from "../helpers/crd-schema";
import { K8S, ofType, record } from "../helpers/mocks";
import { recordStack, stackConfig } from "./helpers";
import { hetznerCluster } from "../../components/hetzner";

const PLAN = "kubernetes:upgrade.cattle.io/v1:Plan";
const crd = () => loadVendoredCrds().get("upgrade.cattle.io/v1:Plan")!;

let production: { rs: Registered[] };
beforeAll(async () => {
  production = await recordStack("production-hetzner");
});

describe("the Plans", () => {
  const [server, agent] = upgradePlans("v1.33.7+k3s1");

  it("upgrade the k3s servers, then the agents, to the pinned release, one node at a time", () => {
    expect([server.metadata.name, agent.metadata.name]).toEqual([SERVER_PLAN, AGENT_PLAN]);
    for (const p of [server, agent]) {
      expect(p.spec.version).toBe("v1.33.7+k3s1");
      expect(p.spec.concurrency).toBe(1);
      expect(p.spec.upgrade).toEqual({ image: "rancher/k3s-upgrade" });
      expect(p.spec.window).toEqual({ ...MAINTENANCE_WINDOW, days: [...MAINTENANCE_WINDOW.days] });
      // Tainted role nodes and the k3s servers are upgraded too.
      expect(p.spec.tolerations).toEqual([{ operator: "Exists" }]);
    }
    // The agents wait for the servers' Plan to complete.
    expect((agent.spec as any).prepare).toEqual({
      image: "rancher/k3s-upgrade",
      args: ["prepare", SERVER_PLAN],
    });
  });

  it("select servers and agents apart, by k3s's control-plane label", () => {
    expect(server.spec.nodeSelector.matchExpressions).toEqual([
      { key: "node-role.kubernetes.io/control-plane", operator: "In", values: ["true"] },
    ]);
    expect(agent.spec.nodeSelector.matchExpressions).toEqual([
      { key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" },
    ]);
  });

  it("cordon servers and drain agents without forcing past disruption budgets", () => {
    expect((server.spec as any).cordon).toBe(true);
    expect((server.spec as any).drain).toBeUndefined();
    expect((agent.spec as any).drain).toMatchObject({ force: false, ignoreDaemonSets: true });
    expect((agent.spec as any).drain.disableEviction).toBeUndefined();
    // A duration string: an integer would be read as nanoseconds (DrainSpec.Timeout), and it must
    // end before the job's 900 s deadline.
    const timeout = (agent.spec as any).drain.timeout;
    expect(timeout).toMatch(/^\d+m$/);
    expect(parseInt(timeout, 10) * 60).toBeLessThan(900);
  });

  it("are accepted by the vendored Plan CRD (v0.20.1), which refuses a day that is none", () => {
    for (const p of [server, agent]) expect(validateCustomResource(crd(), p).findings).toEqual([]);
    const wrong = upgradePlans("v1.33.7+k3s1")[0];
    (wrong.spec.window as any).days = ["funday"];
    expect(validateCustomResource(crd(), wrong).findings).not.toEqual([]);
  });
});

describe("in the production-hetzner stack", () => {
  it("registers both Plans at the stack's k3s release, after the controller", () => {
    const plans = ofType(production.rs, PLAN);
    expect(plans.map((p) => p.inputs.metadata.name).sort()).toEqual([AGENT_PLAN, SERVER_PLAN]);
    const release = k3sRelease(stackConfig("production-hetzner").kubernetes.version);
    for (const p of plans) expect(p.inputs.spec.version).toBe(release);
    const controller = ofType(production.rs, K8S.deployment).find(
      (d) => d.inputs.metadata.name === "system-upgrade-controller",
    )!;
    for (const p of plans) expect(p.dependencies).toContain(controller.urn);
  });

  it("follows kubernetes.version: a new minor is a new pinned release in both Plans", async () => {
    const config = stackConfig("production-hetzner", { kubernetes: { version: "1.34" } });
    const rs = await record(() => hetznerCluster(config), {
      "hcloud:token": "t",
      "kubernetes:kubeconfig": "apiVersion: v1",
    });
    for (const p of ofType(rs, PLAN)) expect(p.inputs.spec.version).toBe(K3S_134);
  });

  it("runs the pinned controller as non-root, without capabilities, on the k3s servers", () => {
    const controller = ofType(production.rs, K8S.deployment).find(
      (d) => d.inputs.metadata.name === "system-upgrade-controller",
    )!;
    const pod = controller.inputs.spec.template.spec;
    expect(pod.containers[0].image).toBe(SUC_IMAGE);
    expect(SUC_IMAGE).toMatch(/:v\d+\.\d+\.\d+$/);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.nodeSelector).toEqual({ "node-role.kubernetes.io/control-plane": "true" });
    expect(pod.containers[0].resources.limits).toBeDefined();
  });
});

const K3S_134 = "v1.34.2+k3s1";
