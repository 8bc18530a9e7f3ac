#!/usr/bin/env bash
# azd postdeploy hook: subscribes the Deliver function to the change-feed topic. It runs after code deploy
# because the function exists only then. Endpoint type AzureFunction (Event Grid calls the function through
# the Functions host with its own system key), CloudEvents 1.0 delivery, bounded retries, and dead letters
# written by the topic's system-assigned identity to the dead-letter blob container.
# Needs: AZURE_RESOURCE_GROUP, FUNCTION_APP_NAME, FUNCTION_APP_RESOURCE_ID, EVENT_GRID_TOPIC_RESOURCE_ID,
# DEAD_LETTER_CONTAINER_RESOURCE_ID (main.bicep outputs). Optional: SD_DELIVER_EVENT_TYPES (space-separated
# event types to deliver; default all), SD_DELIVER_MAX_ATTEMPTS (default 30), SD_DELIVER_TTL_MINUTES (default 1440).
set -euo pipefail
for name in AZURE_RESOURCE_GROUP FUNCTION_APP_NAME FUNCTION_APP_RESOURCE_ID EVENT_GRID_TOPIC_RESOURCE_ID DEAD_LETTER_CONTAINER_RESOURCE_ID; do
  [ -n "${!name:-}" ] || { echo "$name is not set (a main.bicep output; run azd provision first)." >&2; exit 1; }
done
subscription_name=${SD_DELIVER_SUBSCRIPTION_NAME:-deliver}
max_attempts=${SD_DELIVER_MAX_ATTEMPTS:-30}
ttl_minutes=${SD_DELIVER_TTL_MINUTES:-1440}

# The host indexes functions shortly after a deploy: wait (bounded) until Deliver is listed.
for attempt in $(seq 1 30); do
  if az functionapp function show --resource-group "$AZURE_RESOURCE_GROUP" --name "$FUNCTION_APP_NAME" \
       --function-name Deliver --query id -o tsv >/dev/null 2>&1; then
    break
  fi
  if [ "$attempt" -eq 30 ]; then
    echo "Function Deliver did not appear on $FUNCTION_APP_NAME; check that the package deployed and the host started." >&2
    exit 1
  fi
  echo "Waiting for function Deliver on $FUNCTION_APP_NAME (attempt $attempt/30)..." >&2
  sleep 10
done

args=(
  --name "$subscription_name"
  --source-resource-id "$EVENT_GRID_TOPIC_RESOURCE_ID"
  --endpoint-type azurefunction
  --endpoint "$FUNCTION_APP_RESOURCE_ID/functions/Deliver"
  --event-delivery-schema cloudeventschemav1_0
  --max-delivery-attempts "$max_attempts"
  --event-ttl "$ttl_minutes"
  --deadletter-identity systemassigned
  --deadletter-identity-endpoint "$DEAD_LETTER_CONTAINER_RESOURCE_ID"
  --output none
)
if [ -n "${SD_DELIVER_EVENT_TYPES:-}" ]; then
  # shellcheck disable=SC2206
  types=($SD_DELIVER_EVENT_TYPES)
  args+=(--included-event-types "${types[@]}")
fi

# create is a PUT: running the hook again updates the subscription in place.
az eventgrid event-subscription create "${args[@]}"
echo "Event Grid subscription '$subscription_name' delivers to $FUNCTION_APP_NAME/Deliver (dead letters: $DEAD_LETTER_CONTAINER_RESOURCE_ID)."
