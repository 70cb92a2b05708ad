import * as k8s from "@pulumi/kubernetes";
import {
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  validateResourceOfType,
} from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import { typeToken } from "./stack";

export type PodSpec = Unwrap<k8s.types.input.core.v1.PodSpec>;
export type Container = Unwrap<k8s.types.input.core.v1.Container>;
export type LabelSelector = Unwrap<k8s.types.input.meta.v1.LabelSelector>;

/** Workload kinds whose pod template the pod rules judge. */
export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "Pod";
export const ALL_WORKLOADS: readonly WorkloadKind[] = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "Pod",
];

/** Type tokens of the workload kinds, for stack policies that walk resources by type string. */
export const WORKLOAD_TYPES: Readonly<Record<WorkloadKind, string>> = {
  Deployment: typeToken(k8s.apps.v1.Deployment),
  StatefulSet: typeToken(k8s.apps.v1.StatefulSet),
  DaemonSet: typeToken(k8s.apps.v1.DaemonSet),
  Job: typeToken(k8s.batch.v1.Job),
  CronJob: typeToken(k8s.batch.v1.CronJob),
  Pod: typeToken(k8s.core.v1.Pod),
};

/** A workload's kind from its type token, or undefined for anything else. */
export function workloadKind(type: string): WorkloadKind | undefined {
  return ALL_WORKLOADS.find((k) => WORKLOAD_TYPES[k] === type);
}

/** The pod spec inside any workload kind's props (CronJob nests it one level deeper). */
export function podSpecOf(kind: WorkloadKind, props: any): PodSpec | undefined {
  switch (kind) {
    case "Pod":
      return props?.spec;
    case "CronJob":
      return props?.spec?.jobTemplate?.spec?.template?.spec;
    default:
      return props?.spec?.template?.spec;
  }
}

/** Labels of the pods a workload creates. */
export function podLabelsOf(kind: WorkloadKind, props: any): Record<string, string> {
  if (kind === "Pod") return props?.metadata?.labels ?? {};
  if (kind === "CronJob") return props?.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  return props?.spec?.template?.metadata?.labels ?? {};
}

/** A container with its label for messages: "container api" or "init container migrate". */
export interface LabelledContainer {
  container: Container;
  label: string;
}

/** Init and app containers alike: both run with the pod's privileges. */
export function containersOf(pod: PodSpec | undefined): LabelledContainer[] {
  return [
    ...(pod?.initContainers ?? []).map((c) => ({
      container: c,
      label: `init container ${c.name}`,
    })),
    ...(pod?.containers ?? []).map((c) => ({ container: c, label: `container ${c.name}` })),
  ];
}

export type PodCheck = (
  pod: PodSpec,
  args: ResourceValidationArgs,
  report: ReportViolation,
  kind: WorkloadKind,
) => void;

const CLASSES = {
  Deployment: k8s.apps.v1.Deployment,
  StatefulSet: k8s.apps.v1.StatefulSet,
  DaemonSet: k8s.apps.v1.DaemonSet,
  Job: k8s.batch.v1.Job,
  CronJob: k8s.batch.v1.CronJob,
  Pod: k8s.core.v1.Pod,
} as const;

/** One `validateResourceOfType` per workload kind, each handing the pod spec to `check`. */
export function validatePodSpecs(
  check: PodCheck,
  kinds: readonly WorkloadKind[] = ALL_WORKLOADS,
): ResourceValidation[] {
  return kinds.map((kind) =>
    validateResourceOfType(
      CLASSES[kind] as typeof k8s.apps.v1.Deployment,
      (props, args, report) => {
        const pod = podSpecOf(kind, props);
        if (pod) check(pod, args, report, kind);
      },
    ),
  );
}
