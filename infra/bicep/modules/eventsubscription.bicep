// The change feed's way to the Deliver function: an Event Grid subscription on the topic that writes each
// change event (CloudEvents 1.0) into a Storage queue, which the app's QueueTrigger consumes. Delivery and
// dead-lettering use the topic's system-assigned identity, which needs Storage Queue Data Message Sender and
// Storage Blob Data Contributor on the account (granted where the account is created). No validation handshake,
// no function key, and it exists at provision time, before any code is deployed.

@description('Required. Name of the event subscription.')
param name string

@description('Required. Name of the Event Grid custom topic to subscribe to (in this resource group).')
param topicName string

@description('Required. Resource id of the storage account holding the queue and the dead-letter container.')
param storageAccountResourceId string

@description('Required. Name of the queue events are written to.')
param queueName string

@description('Required. Event types delivered (exact CloudEvents types).')
@minLength(1)
param includedEventTypes array

@description('Required. Name of the blob container that receives events Event Grid could not deliver.')
param deadLetterContainerName string

@description('Optional. Attempts Event Grid makes to write an event into the queue before dead-lettering it.')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

@description('Optional. Minutes Event Grid keeps trying one event.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

resource topic 'Microsoft.EventGrid/topics@2025-02-15' existing = {
  name: topicName
}

resource eventSubscription 'Microsoft.EventGrid/topics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: name
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storageAccountResourceId
          queueName: queueName
        }
      }
    }
    filter: {
      includedEventTypes: includedEventTypes
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storageAccountResourceId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

@description('The name of the event subscription.')
output name string = eventSubscription.name

@description('The resource id of the event subscription.')
output resourceId string = eventSubscription.id
