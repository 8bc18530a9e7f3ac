using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ServerlessDiscovery.Tables;

/// <summary>Options for the Table clients: Azure.Core's retry (408, 429, 500, 502, 503, 504 and network errors), transport and diagnostics.</summary>
public sealed class TableClientOptions : ClientOptions
{
    public TableClientOptions()
    {
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(10);
        Retry.Mode = RetryMode.Exponential;
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        Diagnostics.IsLoggingContentEnabled = false;
    }

    /// <summary>The x-ms-version sent with every request; Azurite rejects versions newer than it knows.</summary>
    public string ServiceVersion { get; set; } = "2019-02-02";
}

/// <summary>The Table service of one storage account: tables, and the pipeline every <see cref="TableClient"/> shares.</summary>
public sealed class TableServiceClient
{
    private readonly HttpPipeline _pipeline;
    private readonly string _serviceVersion;

    /// <summary>Connects with a storage connection string (account key, or UseDevelopmentStorage=true for Azurite).</summary>
    public TableServiceClient(string connectionString, TableClientOptions? options = null)
        : this(TableConnection.Parse(connectionString), options)
    {
    }

    public TableServiceClient(TableConnection connection, TableClientOptions? options = null)
        : this(connection.Endpoint, new SharedKeyLitePolicy(connection.AccountName, connection.AccountKey), options)
    {
    }

    /// <summary>Connects with a token credential (managed identity) to a table service URI such as https://account.table.core.windows.net.</summary>
    public TableServiceClient(Uri serviceUri, TokenCredential credential, TableClientOptions? options = null)
        : this(serviceUri, new BearerTokenAuthenticationPolicy(credential, "https://storage.azure.com/.default"), options)
    {
    }

    private TableServiceClient(Uri endpoint, HttpPipelinePolicy authPolicy, TableClientOptions? options)
    {
        options ??= new TableClientOptions();
        Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/'));
        _serviceVersion = options.ServiceVersion;
        _pipeline = HttpPipelineBuilder.Build(options, [], [authPolicy], new ResponseClassifier());
    }

    public Uri Endpoint { get; }

    public TableClient GetTableClient(string tableName)
    {
        TableKeys.ValidateTableName(tableName);
        return new TableClient(this, tableName);
    }

    /// <summary>Lists up to <paramref name="maxPerPage"/> table names; a cheap call used as a readiness probe.</summary>
    public async Task<IReadOnlyList<string>> GetTableNamesAsync(int maxPerPage = 1, CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Get, $"{Endpoint}/Tables?$top={maxPerPage}");
        await SendAsync(message, cancellationToken).ConfigureAwait(false);
        Response response = message.Response;
        TableResponses.EnsureSuccess(response, 200);
        using var doc = System.Text.Json.JsonDocument.Parse(response.Content.ToMemory());
        var names = new List<string>();
        foreach (System.Text.Json.JsonElement table in doc.RootElement.GetProperty("value").EnumerateArray())
        {
            names.Add(table.GetProperty("TableName").GetString()!);
        }

        return names;
    }

    internal HttpMessage CreateMessage(RequestMethod method, string uri)
    {
        HttpMessage message = _pipeline.CreateMessage();
        Request request = message.Request;
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        request.Headers.SetValue("x-ms-version", _serviceVersion);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue("Accept", "application/json;odata=fullmetadata");
        return message;
    }

    internal ValueTask SendAsync(HttpMessage message, CancellationToken cancellationToken) =>
        _pipeline.SendAsync(message, cancellationToken);
}
