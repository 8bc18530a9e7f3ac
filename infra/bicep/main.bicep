// ServerlessDiscovery in Azure: a .NET isolated-worker Function App (dotnet-isolated 10.0, Flex Consumption by
// default) running as a user-assigned identity, its storage (host, deployment package, tables, the deliveries
// queue, dead letters), the change-feed Event Grid topic with its subscription into the deliveries queue, Key
// Vault, Application Insights. No access keys anywhere: every caller uses Entra ID. Everything, the Event Grid
// subscription included, exists at provision time: deploying the code adds nothing.
targetScope = 'subscription'

@description('Required. Name of the environment (azd environment name); part of every resource name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Required. Azure region for every resource (Flex Consumption is not offered in every region).')
@minLength(1)
param location string

@description('Optional. Resource group to create; default rg-{environmentName}.')
param resourceGroupName string = ''

@description('Optional. Hosting plan: FlexConsumption (default) or ElasticPremium.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Optional. .NET version of the dotnet-isolated runtime, major.minor ("10" is accepted by Azure but the host never starts).')
@allowed([
  '10.0'
])
param runtimeVersion string = '10.0'

@description('Optional. Flex Consumption instance memory in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional. NCRONTAB schedule of the DiscoveryTick timer (6 fields, seconds first).')
param discoveryTick string = '0 */1 * * * *'

@description('Optional. Prefix of every table the app creates.')
param tablePrefix string = 'sd'

@description('Optional. Object id of whoever runs the deployment; gets Key Vault Secrets Officer so infra/scripts/ensure-secrets.sh can create the secrets. azd passes AZURE_PRINCIPAL_ID.')
param deployerPrincipalId string = ''

@description('Optional. Principal type of deployerPrincipalId: User or ServicePrincipal.')
@allowed([
  'User'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

@description('Optional. Key Vault purge protection (keeps a deleted vault, and the encryption key, recoverable).')
param enablePurgeProtection bool = true

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'deadletters'
// The Deliver function's queue: change events from the subscription below, and the app's own delivery attempts.
var deliveriesQueueName = 'deliveries'
// The change events webhooks can receive (README.md, "Subscribing to the change feed").
var changeEventTypes = [
  'ServerlessDiscovery.Asset.Created'
  'ServerlessDiscovery.Asset.Updated'
  'ServerlessDiscovery.Asset.Deleted'
  'ServerlessDiscovery.Asset.Stale'
  'ServerlessDiscovery.Asset.Restored'
  'ServerlessDiscovery.Scan.Completed'
  'ServerlessDiscovery.Scan.Failed'
]
var apiKeysSecretName = 'api-keys'
var encryptionKeySecretName = 'config-encryption-key'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    workspaceName: 'log-${resourceToken}'
    name: 'appi-${resourceToken}'
    location: location
    tags: tags
    roleAssignments: [
      {
        principalId: identity.outputs.principalId
        roleDefinitionId: roles.monitoringMetricsPublisher
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    name: 'evgt-${resourceToken}'
    location: location
    tags: tags
    roleAssignments: [
      {
        principalId: identity.outputs.principalId
        roleDefinitionId: roles.eventGridDataSender
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
      deadLetterContainerName
    ]
    queueNames: [
      deliveriesQueueName
    ]
    roleAssignments: [
      // Host storage (leases, timers, deployment package), the deliveries queue and its poison queue, the
      // inventory tables.
      {
        principalId: identity.outputs.principalId
        roleDefinitionId: roles.storageBlobDataOwner
        principalType: 'ServicePrincipal'
      }
      {
        principalId: identity.outputs.principalId
        roleDefinitionId: roles.storageTableDataContributor
        principalType: 'ServicePrincipal'
      }
      {
        principalId: identity.outputs.principalId
        roleDefinitionId: roles.storageQueueDataContributor
        principalType: 'ServicePrincipal'
      }
      // The topic's own identity writes change events into the deliveries queue, and dead letters.
      {
        principalId: eventGrid.outputs.principalId
        roleDefinitionId: roles.storageQueueDataMessageSender
        principalType: 'ServicePrincipal'
      }
      {
        principalId: eventGrid.outputs.principalId
        roleDefinitionId: roles.storageBlobDataContributor
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

// After the storage module, so the topic's roles exist before Event Grid first writes to the queue.
module deliverySubscription 'modules/eventsubscription.bicep' = {
  name: 'eventsubscription'
  scope: rg
  params: {
    name: 'deliver'
    topicName: eventGrid.outputs.name
    storageAccountResourceId: storage.outputs.resourceId
    queueName: deliveriesQueueName
    includedEventTypes: changeEventTypes
    deadLetterContainerName: deadLetterContainerName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    enablePurgeProtection: enablePurgeProtection
    roleAssignments: concat([
      {
        principalId: identity.outputs.principalId
        roleDefinitionId: roles.keyVaultSecretsUser
        principalType: 'ServicePrincipal'
      }
    ], empty(deployerPrincipalId) ? [] : [
      {
        principalId: deployerPrincipalId
        roleDefinitionId: roles.keyVaultSecretsOfficer
        principalType: deployerPrincipalType
      }
    ])
  }
}

@description('Optional. Scans one instance of the app runs at once (Discovery__MaxConcurrentScans).')
param maxConcurrentScans int = 4

@description('Optional. Time limit of one scan, hh:mm:ss (Discovery__ScanTimeout); keep it under the function timeout of host.json (10 minutes).')
param scanTimeout string = '00:05:00'

@description('Optional. How long a claimed scan stays claimed, hh:mm:ss (Discovery__LeaseDuration); longer than scanTimeout.')
param leaseDuration string = '00:15:00'

@description('Optional. Share of an instance\'s active assets a scan may delete before it is refused unless forced (Discovery__DeletionGuardRatio).')
param deletionGuardRatio string = '0.5'

@description('Optional. Egress__AllowedNetworks: comma-separated CIDR ranges, IP addresses and host names that plugin and webhook URLs may reach although they are private or special-purpose addresses (private endpoints). Empty: public addresses only.')
param egressAllowedNetworks string = ''

// Every setting the app's code reads in Azure (README.md, "Settings"), with identity-based values.
// Local-only settings (connection strings, keys, URLS) are deliberately absent.
var appSettings = {
  DISCOVERY_TICK: discoveryTick
  Storage__TableServiceUri: storage.outputs.tableEndpoint
  Storage__ClientId: identity.outputs.clientId
  Storage__TablePrefix: tablePrefix
  Api__Keys: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${apiKeysSecretName})'
  EventGrid__TopicEndpoint: eventGrid.outputs.endpoint
  EventGrid__ClientId: identity.outputs.clientId
  Secrets__EncryptionKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${encryptionKeySecretName})'
  EventGrid__MaxBatchBytes: '1000000'
  Discovery__MaxConcurrentScans: string(maxConcurrentScans)
  // Empty: the plugins/ folder of the deployment package (scripts/package.sh, SD_PLUGIN_PACKAGES), if it has one.
  PluginPackages__Path: ''
  PluginPackages__MaxUnpackedBytes: '268435456'
  Discovery__ScanTimeout: scanTimeout
  Discovery__LeaseDuration: leaseDuration
  Discovery__DeletionGuardRatio: deletionGuardRatio
  Discovery__LastSeenRefresh: '01:00:00'
  Discovery__MaxAssetsPerScan: '200000'
  Discovery__VerifyTimeout: '00:00:30'
  Discovery__UnusedAfter: '30.00:00:00'
  Discovery__ResolutionIndexTtl: '00:01:00'
  ChangeLog__Retention: '7.00:00:00'
  ChangeLog__Settle: '00:00:05'
  ChangeLog__PruneInterval: '01:00:00'
  Otlp__MaxBodyBytes: '16777216'
  Otlp__FlushInterval: '00:00:30'
  Otlp__EarlyDrain: 'true'
  Otlp__MaxPendingAssets: '50000'
  Otlp__MaxConcurrentRequests: '64'
  Otlp__AttributionMaxTraces: '5000'
  Otlp__AttributionMaxSpans: '25000'
  Egress__AllowedNetworks: egressAllowedNetworks
  Webhooks__MaxAttempts: '8'
  Webhooks__BaseDelay: '00:00:02'
  Webhooks__MaxDelay: '00:10:00'
  Webhooks__Timeout: '00:00:30'
  DELIVERIES_QUEUE: deliveriesQueueName
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'app'
    hostingPlan: hostingPlan
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    runtimeVersion: runtimeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appInsightsConnectionString: monitoring.outputs.connectionString
    appSettings: appSettings
  }
}

// azd turns these into environment variables (for infra/scripts/ensure-secrets.sh, and for people).
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_RESOURCE_ID string = functionApp.outputs.resourceId
output FUNCTION_APP_URL string = functionApp.outputs.uri
output EVENT_GRID_TOPIC_ENDPOINT string = eventGrid.outputs.endpoint
output EVENT_GRID_TOPIC_RESOURCE_ID string = eventGrid.outputs.resourceId
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output DELIVERIES_QUEUE_NAME string = deliveriesQueueName
output EVENT_GRID_SUBSCRIPTION_NAME string = deliverySubscription.outputs.name
output IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_API_KEYS_SECRET string = apiKeysSecretName
output KEY_VAULT_ENCRYPTION_KEY_SECRET string = encryptionKeySecretName
