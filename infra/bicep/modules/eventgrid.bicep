// The change-feed topic: CloudEvents 1.0 in, Entra ID only (no access keys). Its system-assigned identity
// delivers to the deliveries queue and writes dead letters (modules/eventsubscription.bicep).

@description('Required. Name of the Event Grid custom topic.')
param name string

@description('Optional. Azure region.')
param location string = resourceGroup().location

@description('Optional. Tags for the resource.')
param tags object = {}

@description('Optional. Role assignments on the topic: objects with principalId, roleDefinitionId (a GUID) and principalType.')
param roleAssignments array = []

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    minimumTlsVersionAllowed: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topicRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for ra in roleAssignments: {
  name: guid(topic.id, ra.principalId, ra.roleDefinitionId)
  scope: topic
  properties: {
    principalId: ra.principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ra.roleDefinitionId)
    principalType: ra.principalType
  }
}]

@description('The name of the topic.')
output name string = topic.name

@description('The resource id of the topic.')
output resourceId string = topic.id

@description('The topic endpoint events are published to.')
output endpoint string = topic.properties.endpoint

@description('The principal id of the topic\'s system-assigned identity (queue delivery and dead-lettering).')
output principalId string = topic.identity.principalId
