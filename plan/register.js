// Loads TypeScript through swc for the plan, the benchmark and the scripts.
// - No source-map-support: Pulumi reads a stack trace for every resource it registers, and mapping
//   each one back to TypeScript tripled the plan's wall time.
// - V8's compiled code is cached on disk: compiling the cloud SDKs was the largest remaining cost.
process.env.SWC_NODE_SOURCE_MAP_MODE ??= "none";
require("v8-compile-cache");
require("@swc-node/register");
