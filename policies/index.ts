// The pack's entry point for `pulumi preview --policy-pack policies`. Constructing a PolicyPack
// starts its gRPC server, so the offline plan and the tests import `./list` instead.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./list";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: PACK_ENFORCEMENT_LEVEL });
