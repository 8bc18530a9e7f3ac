using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessDiscovery.Functions.Health;

namespace ServerlessDiscovery.Functions.Hosting;

/// <summary>Source-generated JSON for the host's own replies.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
