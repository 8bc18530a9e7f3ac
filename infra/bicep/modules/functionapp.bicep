// The Function App (.NET isolated worker, Linux) and its plan: Flex Consumption by default, Elastic Premium on
// request. Host storage (blobs, queues, tables), the deployment package, Key Vault references and telemetry all use
// the user-assigned identity.

@description('Required. Name of the Function App.')
param name string

@description('Required. Name of the App Service plan.')
param planName string

@description('Optional. Azure region.')
param location string = resourceGroup().location

@description('Optional. Tags for the resources.')
param tags object = {}

@description('Optional. The azd service name this app is deployed as (azure.yaml services key).')
param serviceName string = 'app'

@description('Optional. Hosting plan: FlexConsumption or ElasticPremium.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Required. Resource id of the user-assigned identity the app runs as.')
param identityResourceId string

@description('Required. Client id of the user-assigned identity.')
param identityClientId string

@description('Required. Name of the storage account used as host storage (AzureWebJobsStorage: blobs, the queue trigger\'s queues, tables).')
param storageAccountName string

@description('Required. URL of the blob container that holds the deployment package (Flex Consumption).')
param deploymentContainerUrl string

@description('Optional. .NET version of the dotnet-isolated runtime, major.minor: "10" is accepted by Azure but the host never starts.')
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

@description('Optional. Most instances the app scales out to (Flex Consumption), or the plan\'s elastic worker limit (Elastic Premium).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Required. Application Insights connection string.')
param appInsightsConnectionString string

@description('Optional. The app\'s own settings (what the code reads), merged with the host settings set here.')
param appSettings object = {}

var isFlexConsumption = hostingPlan == 'FlexConsumption'

// Read by the Functions host and its extensions (the Deliver queue trigger's connection is AzureWebJobsStorage),
// not by our code. The account name form covers the blob, queue and table endpoints.
var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Flex Consumption takes the runtime from functionAppConfig and rejects the first two as app settings; it runs
// from the deployed package without the third.
var elasticPremiumOnlySettings = {
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  FUNCTIONS_EXTENSION_VERSION: '~4'
  WEBSITE_RUN_FROM_PACKAGE: '1'
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlexConsumption ? 'functionapp' : 'elastic'
  sku: isFlexConsumption ? {
    name: 'FC1'
    tier: 'FlexConsumption'
  } : {
    name: 'EP1'
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: isFlexConsumption ? null : maximumInstanceCount
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Flex Consumption takes the stack from functionAppConfig.runtime instead.
      linuxFxVersion: isFlexConsumption ? null : 'DOTNET-ISOLATED|${runtimeVersion}'
    }
    functionAppConfig: isFlexConsumption ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    } : null
  }

  resource appSettingsConfig 'config' = {
    name: 'appsettings'
    properties: union(hostSettings, appSettings, isFlexConsumption ? {} : elasticPremiumOnlySettings)
  }
}

@description('The name of the Function App.')
output name string = site.name

@description('The resource id of the Function App.')
output resourceId string = site.id

@description('The Function App\'s https URL.')
output uri string = 'https://${site.properties.defaultHostName}'
