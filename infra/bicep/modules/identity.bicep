// The user-assigned identity the Function App runs as: host storage, tables, Event Grid, Key Vault.

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Optional. Azure region.')
param location string = resourceGroup().location

@description('Optional. Tags for the resource.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('The name of the identity.')
output name string = identity.name

@description('The resource id of the identity.')
output resourceId string = identity.id

@description('The principal (object) id of the identity, for role assignments.')
output principalId string = identity.properties.principalId

@description('The client id of the identity, for the app\'s credential settings.')
output clientId string = identity.properties.clientId
