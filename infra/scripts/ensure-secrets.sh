#!/usr/bin/env bash
# azd postprovision hook (also run by hand after `az deployment sub create`): creates the Key Vault secrets
# the app's Key Vault references point at, once. An existing secret is never replaced: the config-encryption
# key must outlive redeployments or the plugin secrets encrypted with it become unreadable.
# Needs: KEY_VAULT_NAME, KEY_VAULT_API_KEYS_SECRET, KEY_VAULT_ENCRYPTION_KEY_SECRET (main.bicep outputs),
# and Key Vault Secrets Officer on the vault (main.bicep grants it to deployerPrincipalId).
set -euo pipefail
: "${KEY_VAULT_NAME:?KEY_VAULT_NAME is not set (a main.bicep output; run azd provision first)}"
api_keys_secret=${KEY_VAULT_API_KEYS_SECRET:-api-keys}
encryption_secret=${KEY_VAULT_ENCRYPTION_KEY_SECRET:-config-encryption-key}

random_secret() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }

ensure() {
  local name=$1 value attempt
  if az keyvault secret show --vault-name "$KEY_VAULT_NAME" --name "$name" --query id -o tsv >/dev/null 2>&1; then
    echo "Secret $name already exists in $KEY_VAULT_NAME; left as it is."
    return
  fi
  value=$(random_secret)
  # A fresh role assignment can take a few minutes to apply: retry, bounded.
  for attempt in $(seq 1 20); do
    if az keyvault secret set --vault-name "$KEY_VAULT_NAME" --name "$name" --value "$value" --output none 2>/dev/null; then
      echo "Created secret $name in $KEY_VAULT_NAME."
      return
    fi
    echo "Cannot write $name yet (attempt $attempt/20); waiting for the role assignment..." >&2
    sleep 15
  done
  echo "Could not create secret $name in $KEY_VAULT_NAME. Check that you have Key Vault Secrets Officer on it." >&2
  exit 1
}

ensure "$api_keys_secret"
ensure "$encryption_secret"
echo "API key (send as x-api-key; no function key is needed): az keyvault secret show --vault-name $KEY_VAULT_NAME --name $api_keys_secret --query value -o tsv"
