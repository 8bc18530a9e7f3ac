// Key Vault in RBAC mode: the config-encryption key and plugin secrets. Secret values are never in the
// template (a redeploy must not rotate the encryption key); infra/scripts/ensure-secrets.sh creates them once.

@description('Required. Name of the key vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Azure region.')
param location string = resourceGroup().location

@description('Optional. Tags for the resource.')
param tags object = {}

@description('Optional. Purge protection: a deleted vault (and the encryption key) stays recoverable for the retention period.')
param enablePurgeProtection bool = true

@description('Optional. Role assignments on the vault: objects with principalId, roleDefinitionId (a GUID) and principalType.')
param roleAssignments array = []

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource vaultRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for ra in roleAssignments: {
  name: guid(vault.id, ra.principalId, ra.roleDefinitionId)
  scope: vault
  properties: {
    principalId: ra.principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ra.roleDefinitionId)
    principalType: ra.principalType
  }
}]

@description('The name of the vault.')
output name string = vault.name

@description('The resource id of the vault.')
output resourceId string = vault.id

@description('The vault URI, ending with a slash.')
output uri string = vault.properties.vaultUri
