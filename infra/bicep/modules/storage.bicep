// The storage account: Functions host storage, the Flex deployment container, the webhook deliveries queue
// (fed by the change-feed subscription and by the app's own retries), the Event Grid dead-letter container and
// the inventory's tables. Shared keys are off; every caller uses Entra ID.

@description('Required. Name of the storage account (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Azure region.')
param location string = resourceGroup().location

@description('Optional. Tags for the resource.')
param tags object = {}

@description('Optional. Blob containers to create (private).')
param containerNames array = []

@description('Optional. Storage queues to create.')
param queueNames array = []

@description('Optional. Role assignments on the account: objects with principalId, roleDefinitionId (a GUID) and principalType.')
param roleAssignments array = []

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource containers 'containers' = [for containerName in containerNames: {
      name: containerName
      properties: {
        publicAccess: 'None'
      }
    }]
  }

  resource queueService 'queueServices' = {
    name: 'default'

    resource queues 'queues' = [for queueName in queueNames: {
      name: queueName
    }]
  }

  // The app creates its tables on first use (Storage Table Data Contributor allows that).
  resource tableService 'tableServices' = {
    name: 'default'
  }
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for ra in roleAssignments: {
  name: guid(storageAccount.id, ra.principalId, ra.roleDefinitionId)
  scope: storageAccount
  properties: {
    principalId: ra.principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ra.roleDefinitionId)
    principalType: ra.principalType
  }
}]

@description('The name of the storage account.')
output name string = storageAccount.name

@description('The resource id of the storage account.')
output resourceId string = storageAccount.id

@description('The blob endpoint, ending with a slash.')
output blobEndpoint string = storageAccount.properties.primaryEndpoints.blob

@description('The table endpoint, ending with a slash.')
output tableEndpoint string = storageAccount.properties.primaryEndpoints.table
