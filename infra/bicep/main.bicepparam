using 'main.bicep'

// azd sets AZURE_ENV_NAME, AZURE_LOCATION and AZURE_PRINCIPAL_ID; with plain az CLI export them first.
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'serverlessdiscovery')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastus')
param deployerPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param hostingPlan = readEnvironmentVariable('SD_HOSTING_PLAN', 'FlexConsumption')
param runtimeVersion = readEnvironmentVariable('SD_RUNTIME_VERSION', '10.0')
