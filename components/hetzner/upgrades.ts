/**
 * k3s upgrades in place through the system upgrade controller (rancher/system-upgrade-controller,
 * pinned release): a Plan for the k3s servers, then one for the agents, both at the stack's pinned
 * k3s release, one node at a time, inside the maintenance window. Raising `kubernetes.version`
 * rolls the cluster; new servers get the same release from their user data.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { containerResources, disruptionBudget, Namespace } from "../k8s";
import { CONTROL_PLANE_TAINT } from "./node-layout";

/** The controller's release; its Plan CRD is vendored at the same tag (vendor/crds/SOURCES.md). */
export const SUC_VERSION = "v0.20.1";
export const SUC_IMAGE = `rancher/system-upgrade-controller:${SUC_VERSION}`;
/**
 * The kubectl image its jobs cordon and drain with: the release manifest's own default
 * (manifests/system-upgrade-controller.yaml, SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE at v0.20.1).
 */
export const SUC_KUBECTL_IMAGE = "rancher/kubectl:v1.30.3";
/** The image that replaces the k3s binary; the controller tags it with the Plan's version. */
export const K3S_UPGRADE_IMAGE = "rancher/k3s-upgrade";
/** The namespace of the node maintenance: the upgrade controller, its jobs and the reboot daemon. */
export const MAINTENANCE_NAMESPACE = "system-upgrade";
/** The controller's ServiceAccount, which its Plans' jobs run as too. */
export const SUC_ACCOUNT = "system-upgrade";
/** k3s labels its servers with this (and the agents without it). */
export const CONTROL_PLANE_NODE_LABEL = "node-role.kubernetes.io/control-plane";

/**
 * When nodes may be taken out for an upgrade or a reboot: every night 02:00–05:00 UTC, when the
 * product is quietest. The upgrade Plans' `window` and the reboot daemon's schedule both use it.
 */
export const MAINTENANCE_WINDOW = {
  days: ["mo", "tu", "we", "th", "fr", "sa", "su"],
  startTime: "02:00",
  endTime: "05:00",
  timeZone: "UTC",
} as const;

/** Plan names: the agents' prepare step waits for the servers' plan by name. */
export const SERVER_PLAN = "k3s-server";
export const AGENT_PLAN = "k3s-agent";

/**
 * The two Plans (upgrade.cattle.io/v1), after the project's examples/k3s-upgrade.yaml: servers
 * first, one at a time, cordoned (draining the last server of a one-server cluster would leave
 * nothing to run on); then agents, one at a time, drained with PodDisruptionBudgets honoured, their
 * `prepare` step waiting for the servers' Plan to complete. Both tolerate every taint, so tainted
 * role nodes and the k3s servers are upgraded too.
 */
export function upgradePlans(k3sVersion: string, namespace = MAINTENANCE_NAMESPACE) {
  const plan = (name: string, controlPlane: boolean, spec: Record<string, unknown>) => ({
    apiVersion: "upgrade.cattle.io/v1",
    kind: "Plan",
    metadata: { name, namespace, labels: { "k3s-upgrade": controlPlane ? "server" : "agent" } },
    spec: {
      concurrency: 1,
      version: k3sVersion,
      nodeSelector: {
        matchExpressions: [
          {
            key: CONTROL_PLANE_NODE_LABEL,
            operator: controlPlane ? "In" : "DoesNotExist",
            ...(controlPlane ? { values: ["true"] } : {}),
          },
        ],
      },
      serviceAccountName: SUC_ACCOUNT,
      tolerations: [{ operator: "Exists" }],
      window: { ...MAINTENANCE_WINDOW, days: [...MAINTENANCE_WINDOW.days] },
      upgrade: { image: K3S_UPGRADE_IMAGE },
      ...spec,
    },
  });
  return [
    plan(SERVER_PLAN, true, { cordon: true }),
    plan(AGENT_PLAN, false, {
      prepare: { image: K3S_UPGRADE_IMAGE, args: ["prepare", SERVER_PLAN] },
      drain: {
        // Evictions honour PodDisruptionBudgets; pods that do not leave within 10 minutes fail
        // the job, which retries, rather than being deleted past their budget. A string: an
        // integer would be nanoseconds (pkg/apis/upgrade.cattle.io/v1/types.go, DrainSpec), and
        // it stays inside the job's 900 s deadline (SYSTEM_UPGRADE_JOB_ACTIVE_DEADLINE_SECONDS).
        force: false,
        ignoreDaemonSets: true,
        deleteEmptydirData: true,
        timeout: "10m",
      },
    }),
  ];
}

export interface SystemUpgradesArgs {
  /** Pinned k3s release of the stack. @example "v1.33.7+k3s1" */
  k3sVersion: string;
  provider: k8s.Provider;
}

/**
 * The system upgrade controller and the k3s Plans. The controller runs on the k3s servers, as its
 * release manifest has it, with least privilege from the same manifests (clusterrole.yaml): jobs,
 * nodes, its Plans and CRD, evictions for the drains. Its jobs are privileged (they replace the
 * k3s binary on the host), so its namespace enforces the `privileged` Pod Security level; the
 * controller itself runs as non-root with no capabilities. Cost: its pod's requests.
 */
export class SystemUpgrades extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: SystemUpgradesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:SystemUpgrades", name, {}, opts);
    const parent = { parent: this, provider: args.provider };
    const ns = new Namespace(
      `${name}-ns`,
      { name: MAINTENANCE_NAMESPACE, podSecurity: "privileged" },
      parent,
    );
    this.namespace = ns.name;
    const namespace = ns.name;
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-account`,
      { metadata: { name: SUC_ACCOUNT, namespace } },
      parent,
    );
    const clusterRole = (key: string, rules: k8s.types.input.rbac.v1.PolicyRule[]) => {
      const role = new k8s.rbac.v1.ClusterRole(
        `${name}-${key}`,
        { metadata: { name: `system-upgrade-${key}` }, rules },
        parent,
      );
      return new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-${key}-binding`,
        {
          metadata: { name: `system-upgrade-${key}` },
          roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: role.metadata.name,
          },
          subjects: [{ kind: "ServiceAccount", name: SUC_ACCOUNT, namespace }],
        },
        parent,
      );
    };
    const read = ["get", "list", "watch"];
    // manifests/clusterrole.yaml at v0.20.1.
    const bindings = [
      clusterRole("controller", [
        { apiGroups: ["batch"], resources: ["jobs"], verbs: read },
        {
          apiGroups: ["apiextensions.k8s.io"],
          resources: ["customresourcedefinitions"],
          verbs: [...read, "create", "patch", "update"],
        },
        { apiGroups: [""], resources: ["namespaces", "nodes"], verbs: read },
        { apiGroups: [""], resources: ["nodes"], verbs: ["update"] },
        { apiGroups: [""], resources: ["events"], verbs: ["get", "create", "patch", "update"] },
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
        {
          apiGroups: ["coordination.k8s.io"],
          resources: ["leases"],
          resourceNames: ["system-upgrade-controller"],
          verbs: ["get", "update"],
        },
        {
          apiGroups: ["upgrade.cattle.io"],
          resources: ["plans", "plans/status"],
          verbs: [...read, "create", "patch", "update", "delete"],
        },
      ]),
      clusterRole("drainer", [
        { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "delete"] },
        { apiGroups: [""], resources: ["nodes"], verbs: ["get", "patch"] },
        {
          apiGroups: ["apps"],
          resources: ["statefulsets", "daemonsets", "replicasets"],
          verbs: ["get", "list"],
        },
      ]),
    ];
    const role = new k8s.rbac.v1.Role(
      `${name}-jobs`,
      {
        metadata: { name: "system-upgrade-controller", namespace },
        rules: [
          {
            apiGroups: ["batch"],
            resources: ["jobs"],
            verbs: ["create", "delete", "deletecollection", "patch", "update", ...read],
          },
          { apiGroups: [""], resources: ["secrets"], verbs: read },
        ],
      },
      parent,
    );
    const roleBinding = new k8s.rbac.v1.RoleBinding(
      `${name}-jobs-binding`,
      {
        metadata: { name: "system-upgrade-controller", namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: SUC_ACCOUNT, namespace }],
      },
      parent,
    );
    const env = new k8s.core.v1.ConfigMap(
      `${name}-env`,
      {
        metadata: { name: "default-controller-env", namespace },
        // The release manifest's defaults, the kubectl image pinned above.
        data: {
          SYSTEM_UPGRADE_CONTROLLER_DEBUG: "false",
          SYSTEM_UPGRADE_CONTROLLER_THREADS: "2",
          SYSTEM_UPGRADE_CONTROLLER_LEADER_ELECT: "true",
          SYSTEM_UPGRADE_JOB_ACTIVE_DEADLINE_SECONDS: "900",
          SYSTEM_UPGRADE_JOB_BACKOFF_LIMIT: "99",
          SYSTEM_UPGRADE_JOB_IMAGE_PULL_POLICY: "IfNotPresent",
          SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE: SUC_KUBECTL_IMAGE,
          SYSTEM_UPGRADE_JOB_PRIVILEGED: "true",
          SYSTEM_UPGRADE_JOB_TTL_SECONDS_AFTER_FINISH: "900",
          SYSTEM_UPGRADE_PLAN_POLLING_INTERVAL: "15m",
        },
      },
      parent,
    );
    const labels = {
      "app.kubernetes.io/name": "system-upgrade-controller",
      // The controller's own name, which its jobs' drains skip (manifest: "necessary to avoid drain").
      "upgrade.cattle.io/controller": "system-upgrade-controller",
    };
    const field = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
    const controller = new k8s.apps.v1.Deployment(
      `${name}-controller`,
      {
        metadata: { name: "system-upgrade-controller", namespace, labels },
        spec: {
          replicas: 1,
          strategy: { type: "Recreate" },
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: SUC_ACCOUNT,
              nodeSelector: { [CONTROL_PLANE_NODE_LABEL]: "true" },
              tolerations: [{ key: CONTROL_PLANE_TAINT.split("=")[0], operator: "Exists" }],
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65534,
                runAsGroup: 65534,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "system-upgrade-controller",
                  image: SUC_IMAGE,
                  envFrom: [{ configMapRef: { name: env.metadata.name } }],
                  env: [
                    {
                      name: "SYSTEM_UPGRADE_CONTROLLER_NAME",
                      ...field("metadata.labels['upgrade.cattle.io/controller']"),
                    },
                    { name: "SYSTEM_UPGRADE_CONTROLLER_NAMESPACE", ...field("metadata.namespace") },
                    { name: "SYSTEM_UPGRADE_CONTROLLER_NODE_NAME", ...field("spec.nodeName") },
                  ],
                  resources: containerResources("50m", "64Mi", "200m", "256Mi"),
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: {} }],
            },
          },
        },
      },
      { ...parent, dependsOn: [account, env, roleBinding, ...bindings] },
    );
    disruptionBudget(
      `${name}-controller-pdb`,
      { name: "system-upgrade-controller", namespace, labels },
      parent,
    );
    // The controller registers its CRD as it starts (pkg/crds); the Plans wait for it.
    for (const plan of upgradePlans(args.k3sVersion))
      new k8s.apiextensions.CustomResource(`${name}-${plan.metadata.name}`, plan, {
        ...parent,
        dependsOn: [controller],
      });
    this.registerOutputs({});
  }
}
