import type { PolicyStatement } from "./iam";

/**
 * IAM permissions of the in-cluster AWS add-ons, cut down from their projects' published policies
 * to what this platform uses them for.
 */

/** Tag the load balancer controller puts on every load balancer and target group it creates. */
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/**
 * AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller, docs/install/
 * iam_policy.json), reduced to one job: the gateway's internet-facing NLB for a Service of type
 * LoadBalancer, with IP targets and the DMZ security group handed over by annotation. Left out:
 * ALB listeners and rules for Ingress, Cognito/OIDC actions, ACM, WAF and Shield (the chart turns
 * those features off) and every security group write, since the controller neither creates a
 * front-end group nor manages backend rules here (the network component owns all rules).
 * Creation is allowed only with the controller's cluster tag, and every change only on resources
 * that carry it, so the controller cannot touch load balancers it did not create.
 */
export const LOAD_BALANCER_CONTROLLER_POLICY: PolicyStatement[] = [
  {
    Sid: "ServiceLinkedRole",
    Effect: "Allow",
    Action: "iam:CreateServiceLinkedRole",
    Resource: "*",
    Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
  },
  {
    Sid: "Discover",
    Effect: "Allow",
    Action: [
      "ec2:DescribeAccountAttributes",
      "ec2:DescribeAddresses",
      "ec2:DescribeAvailabilityZones",
      "ec2:DescribeInternetGateways",
      "ec2:DescribeVpcs",
      "ec2:DescribeSubnets",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeInstances",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeRouteTables",
      "ec2:DescribeTags",
      "ec2:GetCoipPoolUsage",
      "ec2:DescribeCoipPools",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeCapacityReservation",
    ],
    Resource: "*",
  },
  {
    Sid: "CreateTagged",
    Effect: "Allow",
    Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
    Resource: "*",
    Condition: { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } },
  },
  {
    Sid: "TagOnCreate",
    Effect: "Allow",
    Action: "elasticloadbalancing:AddTags",
    Resource: [
      "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
      "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
    ],
    Condition: {
      StringEquals: {
        "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
      },
      Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" },
    },
  },
  {
    Sid: "RetagOwned",
    Effect: "Allow",
    Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
    Resource: [
      "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
      "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
    ],
    Condition: {
      Null: {
        [`aws:RequestTag/${CLUSTER_TAG}`]: "true",
        [`aws:ResourceTag/${CLUSTER_TAG}`]: "false",
      },
    },
  },
  {
    Sid: "ManageOwned",
    Effect: "Allow",
    Action: [
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetIpAddressType",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:ModifyCapacityReservation",
    ],
    Resource: "*",
    Condition: { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } },
  },
  {
    Sid: "Targets",
    Effect: "Allow",
    Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
    Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
  },
  {
    // Listeners carry no tag condition in the published policy: they live and die with their NLB.
    Sid: "Listeners",
    Effect: "Allow",
    Action: [
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:ModifyListener",
    ],
    Resource: "*",
  },
];

/**
 * Cluster Autoscaler on AWS (kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/README.md,
 * "Minimal IAM permissions policy"): it reads every group and changes only the Auto Scaling
 * groups tagged as this cluster's (EKS managed node groups carry the discovery tags).
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyStatement[] {
  return [
    {
      Sid: "Discover",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
        "eks:DescribeNodegroup",
      ],
      Resource: "*",
    },
    {
      Sid: "ScaleOwnGroups",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: {
        StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" },
      },
    },
  ];
}
