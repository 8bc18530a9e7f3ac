// Log Analytics workspace and workspace-based Application Insights; ingestion with Entra ID only.

@description('Required. Name of the Log Analytics workspace.')
param workspaceName string

@description('Required. Name of the Application Insights component.')
param name string

@description('Optional. Azure region.')
param location string = resourceGroup().location

@description('Optional. Tags for the resources.')
param tags object = {}

@description('Optional. Days of log retention in the workspace.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Optional. Role assignments on the Application Insights component: objects with principalId, roleDefinitionId (a GUID) and principalType.')
param roleAssignments array = []

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: name
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry must be sent with the app's identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
    DisableLocalAuth: true
  }
}

resource appInsightsRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for ra in roleAssignments: {
  name: guid(appInsights.id, ra.principalId, ra.roleDefinitionId)
  scope: appInsights
  properties: {
    principalId: ra.principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ra.roleDefinitionId)
    principalType: ra.principalType
  }
}]

@description('The name of the Application Insights component.')
output name string = appInsights.name

@description('The resource id of the Application Insights component.')
output resourceId string = appInsights.id

@description('The connection string of the Application Insights component (not a secret: ingestion needs Entra ID).')
output connectionString string = appInsights.properties.ConnectionString

@description('The resource id of the Log Analytics workspace.')
output workspaceResourceId string = workspace.id
