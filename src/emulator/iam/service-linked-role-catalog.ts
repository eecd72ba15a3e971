/**
 * Service-linked roles AWS creates for CreateServiceLinkedRole: each service principal's role
 * name, the AWS managed policies (under /aws-service-role/) AWS attaches, and whether the service
 * accepts a CustomSuffix. Names, policies and the suffix rule are as real AWS answered them
 * (GetRole / ListAttachedRolePolicies after CreateServiceLinkedRole, recorded against AWS);
 * the last rows come from AWS error messages and role ARNs seen in real accounts.
 */
export interface ServiceLinkedRoleSpec {
  roleName: string;
  /** names of AWS managed policies under arn:aws:iam::aws:policy/aws-service-role/ */
  policies: string[];
  customSuffix: boolean;
}

type Row = [service: string, roleName: string, policies: string[], customSuffix?: boolean];

const ROWS: Row[] = [
  ['accountdiscovery.ssm.amazonaws.com', 'AWSServiceRoleForAmazonSSM_AccountDiscovery', ['AWSSystemsManagerAccountDiscoveryServicePolicy']],
  ['acm.amazonaws.com', 'AWSServiceRoleForCertificateManager', ['CertificateManagerServiceRolePolicy']],
  ['appmesh.amazonaws.com', 'AWSServiceRoleForAppMesh', ['AWSAppMeshServiceRolePolicy']],
  ['autoscaling-plans.amazonaws.com', 'AWSServiceRoleForAutoScalingPlans_EC2AutoScaling', ['AWSAutoScalingPlansEC2AutoScalingPolicy']],
  ['autoscaling.amazonaws.com', 'AWSServiceRoleForAutoScaling', ['AutoScalingServiceRolePolicy'], true],
  ['backup.amazonaws.com', 'AWSServiceRoleForBackup', ['AWSBackupServiceLinkedRolePolicyForBackup']],
  ['batch.amazonaws.com', 'AWSServiceRoleForBatch', ['BatchServiceRolePolicy']],
  ['cassandra.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_CassandraTable', ['AWSApplicationAutoscalingCassandraTablePolicy']],
  ['cks.kms.amazonaws.com', 'AWSServiceRoleForKeyManagementServiceCustomKeyStores', ['AWSKeyManagementServiceCustomKeyStoresServiceRolePolicy']],
  ['cloudtrail.amazonaws.com', 'AWSServiceRoleForCloudTrail', ['CloudTrailServiceRolePolicy']],
  ['codestar-notifications.amazonaws.com', 'AWSServiceRoleForCodeStarNotifications', ['AWSCodeStarNotificationsServiceRolePolicy']],
  ['config.amazonaws.com', 'AWSServiceRoleForConfig', ['AWSConfigServiceRolePolicy']],
  ['connect.amazonaws.com', 'AWSServiceRoleForAmazonConnect', ['AmazonConnectServiceLinkedRolePolicy'], true],
  ['dms-fleet-advisor.amazonaws.com', 'AWSServiceRoleForDMSFleetAdvisor', ['AWSDMSFleetAdvisorServiceRolePolicy']],
  ['dms.amazonaws.com', 'AWSServiceRoleForDMSServerless', ['AWSDMSServerlessServiceRolePolicy']],
  ['docdb-elastic.amazonaws.com', 'AWSServiceRoleForDocDB-Elastic', ['AmazonDocDB-ElasticServiceRolePolicy']],
  ['ec2-instance-connect.amazonaws.com', 'AWSServiceRoleForEc2InstanceConnect', ['Ec2InstanceConnectEndpoint']],
  ['ec2.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest', ['AWSApplicationAutoscalingEC2SpotFleetRequestPolicy']],
  ['ecr.amazonaws.com', 'AWSServiceRoleForECRTemplate', ['ECRTemplateServiceRolePolicy']],
  ['ecs.amazonaws.com', 'AWSServiceRoleForECS', ['AmazonECSServiceRolePolicy']],
  ['eks-connector.amazonaws.com', 'AWSServiceRoleForAmazonEKSConnector', ['AmazonEKSConnectorServiceRolePolicy']],
  ['eks-fargate.amazonaws.com', 'AWSServiceRoleForAmazonEKSForFargate', ['AmazonEKSForFargateServiceRolePolicy']],
  ['eks-nodegroup.amazonaws.com', 'AWSServiceRoleForAmazonEKSNodegroup', ['AWSServiceRoleForAmazonEKSNodegroup']],
  ['eks.amazonaws.com', 'AWSServiceRoleForAmazonEKS', ['AmazonEKSServiceRolePolicy']],
  ['elasticache.amazonaws.com', 'AWSServiceRoleForElastiCache', ['ElastiCacheServiceRolePolicy']],
  ['elasticbeanstalk.amazonaws.com', 'AWSServiceRoleForElasticBeanstalk', ['AWSElasticBeanstalkServiceRolePolicy']],
  ['elasticfilesystem.amazonaws.com', 'AWSServiceRoleForAmazonElasticFileSystem', ['AmazonElasticFileSystemServiceRolePolicy']],
  ['elasticloadbalancing.amazonaws.com', 'AWSServiceRoleForElasticLoadBalancing', ['AWSElasticLoadBalancingServiceRolePolicy']],
  ['email.cognito-idp.amazonaws.com', 'AWSServiceRoleForAmazonCognitoIdpEmailService', ['AmazonCognitoIdpEmailServiceRolePolicy']],
  ['emr-containers.amazonaws.com', 'AWSServiceRoleForAmazonEMRContainers', ['AmazonEMRContainersServiceRolePolicy']],
  ['emrwal.amazonaws.com', 'AWSServiceRoleForEMRWAL', ['EMRDescribeClusterPolicyForEMRWAL']],
  ['fis.amazonaws.com', 'AWSServiceRoleForFIS', ['AmazonFISServiceRolePolicy']],
  ['grafana.amazonaws.com', 'AWSServiceRoleForAmazonGrafana', ['AmazonGrafanaServiceLinkedRolePolicy']],
  ['imagebuilder.amazonaws.com', 'AWSServiceRoleForImageBuilder', ['AWSServiceRoleForImageBuilder']],
  ['iotmanagedintegrations.amazonaws.com', 'AWSServiceRoleForIoTManagedIntegrations', ['AWSIoTManagedIntegrationsRolePolicy']],
  ['kafka.amazonaws.com', 'AWSServiceRoleForKafka', ['KafkaServiceRolePolicy']],
  ['kafkaconnect.amazonaws.com', 'AWSServiceRoleForKafkaConnect', ['KafkaConnectServiceRolePolicy']],
  ['lakeformation.amazonaws.com', 'AWSServiceRoleForLakeFormationDataAccess', ['LakeFormationDataAccessServiceRolePolicy']],
  // AWS attaches AmazonLexBotPolicy, which the bundled managed-policy catalog lacks.
  ['lex.amazonaws.com', 'AWSServiceRoleForLexBots', []],
  ['lexv2.amazonaws.com', 'AWSServiceRoleForLexV2Bots', ['AmazonLexV2BotPolicy'], true],
  ['lightsail.amazonaws.com', 'AWSServiceRoleForLightsail', ['LightsailExportAccess']],
  ['m2.amazonaws.com', 'AWSServiceRoleForAWSM2', ['AWSM2ServicePolicy']],
  ['memorydb.amazonaws.com', 'AWSServiceRoleForMemoryDB', ['MemoryDBServiceRolePolicy']],
  ['mq.amazonaws.com', 'AWSServiceRoleForAmazonMQ', ['AmazonMQServiceRolePolicy']],
  ['mrk.kms.amazonaws.com', 'AWSServiceRoleForKeyManagementServiceMultiRegionKeys', ['AWSKeyManagementServiceMultiRegionKeysServiceRolePolicy']],
  ['notifications.amazonaws.com', 'AWSServiceRoleForAwsUserNotifications', ['AWSUserNotificationsServiceLinkedRolePolicy']],
  ['observability.aoss.amazonaws.com', 'AWSServiceRoleForAmazonOpenSearchServerless', ['AmazonOpenSearchServerlessServiceRolePolicy']],
  ['opensearchservice.amazonaws.com', 'AWSServiceRoleForAmazonOpenSearchService', ['AmazonOpenSearchServiceRolePolicy']],
  ['ops.apigateway.amazonaws.com', 'AWSServiceRoleForAPIGateway', ['APIGatewayServiceRolePolicy']],
  ['ops.emr-serverless.amazonaws.com', 'AWSServiceRoleForAmazonEMRServerless', ['AmazonEMRServerlessServiceRolePolicy']],
  ['opsdatasync.ssm.amazonaws.com', 'AWSServiceRoleForSystemsManagerOpsDataSync', ['AWSSystemsManagerOpsDataSyncServiceRolePolicy']],
  ['opsinsights.ssm.amazonaws.com', 'AWSServiceRoleForAmazonSSM_OpsInsights', ['AWSSSMOpsInsightsServiceRolePolicy']],
  ['pullthroughcache.ecr.amazonaws.com', 'AWSServiceRoleForECRPullThroughCache', ['AWSECRPullThroughCache_ServiceRolePolicy']],
  ['ram.amazonaws.com', 'AWSServiceRoleForResourceAccessManager', ['AWSResourceAccessManagerServiceRolePolicy']],
  ['rds.amazonaws.com', 'AWSServiceRoleForRDS', ['AmazonRDSServiceRolePolicy']],
  ['redshift.amazonaws.com', 'AWSServiceRoleForRedshift', ['AmazonRedshiftServiceLinkedRolePolicy']],
  ['replication.cassandra.amazonaws.com', 'AWSServiceRoleForKeyspacesReplication', ['KeyspacesReplicationServiceRolePolicy']],
  ['replication.ecr.amazonaws.com', 'AWSServiceRoleForECRReplication', ['ECRReplicationServiceRolePolicy']],
  ['repository.sync.codeconnections.amazonaws.com', 'AWSServiceRoleForGitSync', ['AWSGitSyncServiceRolePolicy']],
  ['resource-explorer-2.amazonaws.com', 'AWSServiceRoleForResourceExplorer', ['AWSResourceExplorerServiceRolePolicy']],
  ['rolesanywhere.amazonaws.com', 'AWSServiceRoleForRolesAnywhere', ['AWSRolesAnywhereServicePolicy']],
  ['s3-outposts.amazonaws.com', 'AWSServiceRoleForS3OnOutposts', ['AWSS3OnOutpostsServiceRolePolicy']],
  ['ses.amazonaws.com', 'AWSServiceRoleForAmazonSES', ['AmazonSESServiceRolePolicy']],
  ['shield.amazonaws.com', 'AWSServiceRoleForAWSShield', ['AWSShieldServiceRolePolicy']],
  ['ssm-incidents.amazonaws.com', 'AWSServiceRoleForIncidentManager', ['AWSIncidentManagerServiceRolePolicy']],
  ['ssm-quicksetup.amazonaws.com', 'AWSServiceRoleForSSMQuickSetup', ['SSMQuickSetupRolePolicy']],
  ['ssm.amazonaws.com', 'AWSServiceRoleForAmazonSSM', ['AmazonSSMServiceRolePolicy']],
  ['sso.amazonaws.com', 'AWSServiceRoleForSSO', ['AWSSSOServiceRolePolicy']],
  ['vpcorigin.cloudfront.amazonaws.com', 'AWSServiceRoleForCloudFrontVPCOrigin', ['AWSCloudFrontVPCOriginServiceRolePolicy']],
  ['waf.amazonaws.com', 'AWSServiceRoleForWAFLogging', ['WAFLoggingServiceRolePolicy']],
  ['wafv2.amazonaws.com', 'AWSServiceRoleForWAFV2Logging', ['WAFV2LoggingServiceRolePolicy']],
  ['spot.amazonaws.com', 'AWSServiceRoleForEC2Spot', ['AWSEC2SpotServiceRolePolicy']],
  ['spotfleet.amazonaws.com', 'AWSServiceRoleForEC2SpotFleet', ['AWSEC2SpotFleetServiceRolePolicy']],
  ['es.amazonaws.com', 'AWSServiceRoleForAmazonElasticsearchService', ['AmazonElasticsearchServiceRolePolicy']],
  ['guardduty.amazonaws.com', 'AWSServiceRoleForAmazonGuardDuty', ['AmazonGuardDutyServiceRolePolicy']],
];

const CATALOG = new Map<string, ServiceLinkedRoleSpec>(
  ROWS.map(([service, roleName, policies, customSuffix]) => [service, { roleName, policies, customSuffix: customSuffix ?? false }]),
);

/** The spec for a service principal (exact, case-sensitive, as AWS matches principals). */
export function serviceLinkedRoleSpec(service: string): ServiceLinkedRoleSpec | undefined {
  return CATALOG.get(service);
}

/** Path prefixes of roles only AWS may change (service-linked roles, IAM Identity Center roles). */
export const PROTECTED_ROLE_PATHS = ['/aws-service-role/', '/aws-reserved/'];
