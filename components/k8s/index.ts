/**
 * Kubernetes building blocks every platform service uses: a deny-by-default namespace, NetworkPolicy
 * peers and egress rules, and placement on the role node pools.
 */
export * from "./chart";
export * from "./namespace";
export * from "./network-policy";
export * from "./placement";
export * from "./disruption-budget";
export * from "./secret";
export * from "./pod-parts";
export * from "./self-hosted";
export * from "./custom-resource";
export * from "./service";
