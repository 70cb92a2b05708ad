import { stackEbsRequireNodeEncryption } from "../../../policies/stack/stack-ebs-require-node-encryption";
import { describeStackPolicy } from "../harness";

const nodeGroup = (name: string, extra: object = {}) => ({
  type: "aws:eks/nodeGroup:NodeGroup",
  name,
  props: {
    clusterName: "platform",
    instanceTypes: ["m7i.2xlarge"],
    scalingConfig: { minSize: 3, maxSize: 10, desiredSize: 3 },
    ...extra,
  },
});

describeStackPolicy(stackEbsRequireNodeEncryption, [
  {
    resources: [
      nodeGroup("app", { launchTemplate: { id: "lt-1", version: "1" } }),
      nodeGroup("db", { launchTemplate: { id: "lt-2", version: "1" } }),
    ],
    cases: [
      {
        rule: "a node group drops its encrypted launch template",
        set: ["db", "launchTemplate", undefined],
        expect: /NodeGroup db has no launch template/,
      },
    ],
  },
  {
    resources: [
      nodeGroup("app"),
      {
        type: "aws:ebs/encryptionByDefault:EncryptionByDefault",
        name: "ebs-default",
        props: { enabled: true },
      },
    ],
    cases: [
      {
        rule: "default EBS encryption removed",
        remove: "ebs-default",
        expect: /NodeGroup app has no launch template and EBS encryption by default is off/,
      },
      {
        rule: "default EBS encryption turned off",
        set: ["ebs-default", "enabled", false],
        expect: /encryption by default is off/,
      },
    ],
  },
]);
