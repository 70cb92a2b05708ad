/**
 * Kernel reboots go through the reboot daemon: unattended upgrades leave the sentinel file, kured
 * reboots one drained node at a time, inside the maintenance window, on every node.
 */
import { parse } from "yaml";
import {
  KURED_CHART,
  KURED_IMAGE_TAG,
  MAINTENANCE_NAMESPACE,
  MAINTENANCE_WINDOW,
  REBOOT_SENTINEL,
} from "../../components/hetzner";
import { cloudInit } from "../../components/hetzner/cloud-init";
import { helmMerge } from "../../plan/workloads/chart-pods";
import { CHARTS } from "../../plan/workloads/chart-table";
import type { Registered } from "../../plan/mocks";
import { ofType } from "../helpers/mocks";
import { recordStack } from "./helpers";
import * as fs from "fs";
import * as path from "path";

let production: { rs: Registered[] };
beforeAll(async () => {
  production = await recordStack("production-hetzner");
});

const kured = (rs: Registered[]) =>
  ofType(rs, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "kured")!;

describe("the reboot daemon", () => {
  it("installs the pinned chart and image in the node maintenance namespace", () => {
    const r = kured(production.rs);
    expect(r.inputs).toMatchObject({
      chart: KURED_CHART.chart,
      version: KURED_CHART.version,
      namespace: MAINTENANCE_NAMESPACE,
    });
    expect(r.inputs.values.image).toEqual({ tag: KURED_IMAGE_TAG });
    // The chart's appVersion at the vendored tag (charts/kured/Chart.yaml).
    expect(KURED_IMAGE_TAG).toBe("1.23.0");
    const ns = ofType(production.rs, "kubernetes:core/v1:Namespace").find(
      (n) => n.inputs.metadata.name === MAINTENANCE_NAMESPACE,
    )!;
    // kured enters the host's PID namespace to reboot: the namespace must allow it, and only it.
    expect(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
  });

  it("reboots one node at a time, in the maintenance window, never past a drain that failed", () => {
    const c = kured(production.rs).inputs.values.configuration;
    expect(c).toMatchObject({
      rebootSentinel: REBOOT_SENTINEL,
      rebootDays: [...MAINTENANCE_WINDOW.days],
      startTime: MAINTENANCE_WINDOW.startTime,
      endTime: MAINTENANCE_WINDOW.endTime,
      timeZone: MAINTENANCE_WINDOW.timeZone,
      concurrency: 1,
      forceReboot: false,
    });
    expect(c.lockTtl).toMatch(/^\d+h$/);
    expect(c.drainTimeout).toMatch(/^\d+m$/);
  });

  it("sets only keys the chart's values.yaml has (vendor/charts/kured/6.1.0)", () => {
    const defaults = JSON.parse(
      fs.readFileSync(
        path.resolve(__dirname, "../../vendor/charts/kured/6.1.0/values.json"),
        "utf8",
      ),
    );
    const values = kured(production.rs).inputs.values;
    for (const key of Object.keys(values)) expect(Object.keys(defaults)).toContain(key);
    for (const key of Object.keys(values.configuration))
      expect(Object.keys(defaults.configuration)).toContain(key);
  });

  it("runs on every node, the tainted role pools and the k3s servers included", () => {
    const defaults = JSON.parse(
      fs.readFileSync(
        path.resolve(__dirname, "../../vendor/charts/kured/6.1.0/values.json"),
        "utf8",
      ),
    );
    const merged = helmMerge(defaults, kured(production.rs).inputs.values) as any;
    const pods = CHARTS.kured(merged, "kured");
    expect(pods).toHaveLength(1);
    expect(pods[0].kind).toBe("DaemonSet");
    // Without our tolerations the chart's own admit only untainted and control-plane nodes.
    expect(pods[0].settings?.tolerations).toEqual([{ operator: "Exists" }]);
    expect(CHARTS.kured(defaults, "kured")[0].settings?.tolerations).not.toContainEqual({
      operator: "Exists",
    });
  });

  it("has a sentinel to read: the user data installs the hook that writes it", () => {
    const text = cloudInit("app", {
      k3sVersion: "v1.33.7+k3s1",
      k3s: "agent",
      nodeIp: "10.0.0.74",
      initServerIp: "10.0.0.202",
      serverToken: "s",
      agentToken: "a",
      labels: [],
      taints: [],
      dataVolume: false,
      adminCidrs: [],
      nodesCidr: "10.0.0.0/24",
    });
    const doc = parse(text);
    expect(doc.packages).toEqual(
      expect.arrayContaining(["unattended-upgrades", "update-notifier-common"]),
    );
  });
});
