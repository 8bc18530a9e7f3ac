using System.Text;
using System.Text.Json;
using ServerlessDiscovery.Functions.Delivery;

namespace ServerlessDiscovery.Functions.Tests.Delivery;

/// <summary>A deliveries-queue message is read as the event it carries whether its writer base64-encoded it or not.</summary>
public sealed class DeliveryQueueMessageHandlerTests
{
    private const string Event = """{"id":"evt-1","type":"ServerlessDiscovery.Webhook.Delivery","data":{"delivery_id":"d1"}}""";

    public static TheoryData<string> Encodings() => new()
    {
        Event,
        "  " + Event + "\n",
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Event)),
        JsonSerializer.Serialize(Event),
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void TryRead_PlainBase64OrStringEncodedJson_YieldsTheEvent(string message)
    {
        Assert.True(DeliveryQueueMessageHandler.TryRead(message, out JsonElement deliveryEvent));
        Assert.Equal("evt-1", deliveryEvent.GetProperty("id").GetString());
        Assert.Equal("d1", deliveryEvent.GetProperty("data").GetProperty("delivery_id").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an event")]
    [InlineData("[1,2]")]
    [InlineData("bm90IGpzb24=")]
    public void TryRead_NotAnEvent_IsRefused(string message)
    {
        Assert.False(DeliveryQueueMessageHandler.TryRead(message, out _));
    }
}
