/**
 * Reboots for a new kernel through the reboot daemon (kured, chart kubereboot/charts kured-6.1.0):
 * unattended upgrades write /var/run/reboot-required (cloud-init.ts installs the package that
 * does), and kured drains and reboots one such node at a time, inside the maintenance window.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { chartRelease } from "../k8s";
import { MAINTENANCE_WINDOW } from "./upgrades";

/** The chart; its image is pinned to the chart's appVersion (charts/kured/Chart.yaml: 1.23.0). */
export const KURED_CHART = {
  chart: "kured",
  version: "6.1.0",
  repo: "https://kubereboot.github.io/charts",
} as const;
export const KURED_IMAGE_TAG = "1.23.0";

/** The file Ubuntu's packages write when a reboot is due (update-notifier-common). */
export const REBOOT_SENTINEL = "/var/run/reboot-required";

/**
 * The chart's values: reboots only in the maintenance window, one node at a time under kured's
 * lock (an annotation on its DaemonSet, released after a stale holder's 2 hours), the node drained
 * through the eviction API so PodDisruptionBudgets hold, and no reboot when the drain does not
 * finish in 30 minutes (`forceReboot` off). It runs on every node, the tainted role nodes and the
 * k3s servers included.
 */
export function kuredValues() {
  return {
    image: { tag: KURED_IMAGE_TAG },
    configuration: {
      rebootSentinel: REBOOT_SENTINEL,
      rebootDays: [...MAINTENANCE_WINDOW.days],
      startTime: MAINTENANCE_WINDOW.startTime,
      endTime: MAINTENANCE_WINDOW.endTime,
      timeZone: MAINTENANCE_WINDOW.timeZone,
      concurrency: 1,
      lockTtl: "2h",
      drainTimeout: "30m",
      forceReboot: false,
      period: "15m",
    },
    tolerations: [{ operator: "Exists" }],
    resources: {
      requests: { cpu: "10m", memory: "32Mi" },
      limits: { cpu: "100m", memory: "128Mi" },
    },
  };
}

export interface RebootsArgs {
  /** The node maintenance namespace (privileged Pod Security: kured enters the host's PID 1). */
  namespace: pulumi.Input<string>;
  provider: k8s.Provider;
}

/** The reboot daemon. Cost: its pod's requests on every node. */
export class Reboots extends pulumi.ComponentResource {
  constructor(name: string, args: RebootsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:Reboots", name, {}, opts);
    chartRelease(
      `${name}-kured`,
      { name: "kured", chart: KURED_CHART, namespace: args.namespace, values: kuredValues() },
      { parent: this, provider: args.provider },
    );
    this.registerOutputs({});
  }
}
