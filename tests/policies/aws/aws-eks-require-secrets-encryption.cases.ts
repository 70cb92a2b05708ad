import * as aws from "@pulumi/aws";
import { awsEksRequireSecretsEncryption } from "../../../policies/aws/aws-eks-require-secrets-encryption";
import { describeResourcePolicy, UNKNOWN } from "../harness";
import { eksCluster } from "../fixtures";

describeResourcePolicy(awsEksRequireSecretsEncryption, [
  {
    type: aws.eks.Cluster,
    props: eksCluster(),
    cases: [
      {
        rule: "no encryption config",
        set: ["encryptionConfig", undefined],
        expect: /does not encrypt secrets/,
      },
      {
        rule: "encryption config without secrets",
        set: ["encryptionConfig.resources", []],
        expect: /does not encrypt secrets/,
      },
      {
        rule: "encryption config without a KMS key",
        set: ["encryptionConfig.provider", undefined],
        expect: /KMS key/,
      },
    ],
    passes: [
      {
        rule: "the KMS key is created in the same stack and unknown in preview",
        set: ["encryptionConfig.provider.keyArn", UNKNOWN],
      },
    ],
  },
]);
