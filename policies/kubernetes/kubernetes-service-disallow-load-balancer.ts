import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** The label that marks the gateway's own Service, the one entry point the DMZ tier exposes. */
export const EXPOSURE_LABEL = "platform/exposure";

export const kubernetesServiceDisallowLoadBalancer: ResourceValidationPolicy = {
  name: "kubernetes-service-disallow-load-balancer",
  description:
    "Self-hosted deployment §1.2 (internet reaches the load balancer in the DMZ, never the application or data tiers): only the gateway's Service, labelled platform/exposure=gateway, may be of type LoadBalancer.",
  validateResource: validateResourceOfType(k8s.core.v1.Service, (svc, _args, report) => {
    if (svc.spec?.type !== "LoadBalancer") return;
    if (svc.metadata?.labels?.[EXPOSURE_LABEL] !== "gateway") {
      report(`Service is of type LoadBalancer without the label ${EXPOSURE_LABEL}: gateway.`);
    }
  }),
};
