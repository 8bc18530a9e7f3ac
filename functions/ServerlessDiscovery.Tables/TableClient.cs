using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;

namespace ServerlessDiscovery.Tables;

/// <summary>One table: entity reads and writes, queries with continuation, and entity group transactions.</summary>
public sealed class TableClient
{
    /// <summary>The service's limit on operations in one entity group transaction.</summary>
    public const int MaxTransactionOperations = 100;

    private static readonly RequestMethod Merge = new("MERGE");
    private static readonly string[] KeyColumns = ["PartitionKey", "RowKey"];
    private readonly TableServiceClient _service;

    internal TableClient(TableServiceClient service, string name)
    {
        _service = service;
        Name = name;
    }

    public string Name { get; }

    private string TableUri => $"{_service.Endpoint}/{Name}";

    /// <summary>Creates the table; true if it was created, false if it already existed.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = _service.CreateMessage(RequestMethod.Post, $"{_service.Endpoint}/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        await _service.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status == 409)
        {
            return false;
        }

        TableResponses.EnsureSuccess(message.Response, 201, 204);
        return true;
    }

    public async Task DeleteTableAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = _service.CreateMessage(RequestMethod.Delete, $"{_service.Endpoint}/Tables('{Name}')");
        await _service.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status != 404)
        {
            TableResponses.EnsureSuccess(message.Response, 204);
        }
    }

    /// <summary>Reads one entity, or null when it does not exist.</summary>
    public async Task<TableEntity?> GetEntityAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, rowKey);
        string uri = EntityUri(partitionKey, rowKey);
        if (select is not null)
        {
            uri += "?$select=" + Uri.EscapeDataString(SelectWithKeys(select));
        }

        using HttpMessage message = _service.CreateMessage(RequestMethod.Get, uri);
        await _service.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status == 404)
        {
            return null;
        }

        TableResponses.EnsureSuccess(message.Response, 200);
        using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
        TableEntity entity = TableValue.ReadEntity(doc.RootElement);
        entity.ETag ??= message.Response.Headers.ETag?.ToString();
        return entity;
    }

    /// <summary>Inserts a new entity; throws with status 409 if it exists. Returns the new ETag.</summary>
    public Task<string?> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteAsync(RequestMethod.Post, TableUri, entity, ifMatch: null, cancellationToken);

    /// <summary>Inserts or merges (properties not given are kept). Returns the new ETag.</summary>
    public Task<string?> UpsertMergeAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteAsync(Merge, EntityUri(entity), entity, ifMatch: null, cancellationToken);

    /// <summary>Inserts or replaces (properties not given are removed). Returns the new ETag.</summary>
    public Task<string?> UpsertReplaceAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteAsync(RequestMethod.Put, EntityUri(entity), entity, ifMatch: null, cancellationToken);

    /// <summary>Replaces an existing entity if its ETag still matches (or "*"); a mismatch throws <see cref="TableConcurrencyException"/>.</summary>
    public Task<string?> UpdateReplaceAsync(TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) =>
        WriteAsync(RequestMethod.Put, EntityUri(entity), entity, ifMatch, cancellationToken);

    /// <summary>Merges into an existing entity if its ETag still matches (or "*"); a mismatch throws <see cref="TableConcurrencyException"/>.</summary>
    public Task<string?> UpdateMergeAsync(TableEntity entity, string ifMatch, CancellationToken cancellationToken = default) =>
        WriteAsync(Merge, EntityUri(entity), entity, ifMatch, cancellationToken);

    /// <summary>Deletes an entity if its ETag matches (default "*": unconditionally). False if it did not exist.</summary>
    public async Task<bool> DeleteEntityAsync(string partitionKey, string rowKey, string ifMatch = "*", CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, rowKey);
        using HttpMessage message = _service.CreateMessage(RequestMethod.Delete, EntityUri(partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch);
        await _service.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status == 404)
        {
            return false;
        }

        TableResponses.EnsureSuccess(message.Response, 204);
        return true;
    }

    /// <summary>Reads one page of a query. Pass the returned token back to read the next page; null means done.</summary>
    public async Task<TablePage> QueryPageAsync(
        string? filter = null,
        IEnumerable<string>? select = null,
        int? top = null,
        string? continuationToken = null,
        CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder(TableUri).Append("()");
        char sep = '?';
        void Add(string name, string value)
        {
            query.Append(sep).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            sep = '&';
        }

        if (!string.IsNullOrEmpty(filter))
        {
            Add("$filter", filter);
        }

        if (select is not null)
        {
            Add("$select", SelectWithKeys(select));
        }

        if (top is not null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(top.Value, 1, nameof(top));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(top.Value, 1000, nameof(top));
            Add("$top", top.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (continuationToken is not null)
        {
            (string nextPk, string? nextRk) = TableContinuation.Decode(continuationToken);
            Add("NextPartitionKey", nextPk);
            if (nextRk is not null)
            {
                Add("NextRowKey", nextRk);
            }
        }

        using HttpMessage message = _service.CreateMessage(RequestMethod.Get, query.ToString());
        await _service.SendAsync(message, cancellationToken).ConfigureAwait(false);
        Response response = message.Response;
        TableResponses.EnsureSuccess(response, 200);
        using var doc = JsonDocument.Parse(response.Content.ToMemory());
        var items = new List<TableEntity>();
        foreach (JsonElement element in doc.RootElement.GetProperty("value").EnumerateArray())
        {
            items.Add(TableValue.ReadEntity(element));
        }

        response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out string? npk);
        response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out string? nrk);
        string? next = string.IsNullOrEmpty(npk) ? null : TableContinuation.Encode(npk, nrk);
        return new TablePage(items, next);
    }

    /// <summary>Streams every entity matching the query, following continuation tokens.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAsync(
        string? filter = null,
        IEnumerable<string>? select = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string[]? columns = select?.ToArray();
        string? token = null;
        do
        {
            TablePage page = await QueryPageAsync(filter, columns, top: null, token, cancellationToken).ConfigureAwait(false);
            foreach (TableEntity entity in page.Items)
            {
                yield return entity;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>
    /// Runs up to 100 operations on one partition as one entity group transaction: all succeed or none do.
    /// Returns the new ETag of each operation (null for deletes).
    /// </summary>
    public async Task<IReadOnlyList<string?>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            return [];
        }

        if (actions.Count > MaxTransactionOperations)
        {
            throw new ArgumentException($"A transaction takes at most {MaxTransactionOperations} operations; {actions.Count} were given.", nameof(actions));
        }

        string partition = actions[0].Entity.PartitionKey;
        foreach (TableTransactionAction action in actions)
        {
            TableKeys.Validate(action.Entity.PartitionKey, action.Entity.RowKey);
            if (action.Entity.PartitionKey != partition)
            {
                throw new ArgumentException("Every operation of a transaction must be on the same partition.", nameof(actions));
            }
        }

        string batchBoundary = "batch_" + Guid.NewGuid().ToString("N");
        byte[] body = TableBatch.Build(batchBoundary, TableUri, actions, EntityUri);
        using HttpMessage message = _service.CreateMessage(RequestMethod.Post, $"{_service.Endpoint}/$batch");
        message.Request.Headers.SetValue("Content-Type", $"multipart/mixed; boundary={batchBoundary}");
        message.Request.Content = RequestContent.Create(body);
        await _service.SendAsync(message, cancellationToken).ConfigureAwait(false);
        TableResponses.EnsureSuccess(message.Response, 202);
        return TableBatch.ParseResponse(message.Response.Content.ToMemory(), actions.Count);
    }

    private async Task<string?> WriteAsync(RequestMethod method, string uri, TableEntity entity, string? ifMatch, CancellationToken cancellationToken)
    {
        TableKeys.Validate(entity.PartitionKey, entity.RowKey);
        using HttpMessage message = _service.CreateMessage(method, uri);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue("If-Match", ifMatch);
        }

        SetJson(message, Serialize(entity));
        await _service.SendAsync(message, cancellationToken).ConfigureAwait(false);
        TableResponses.EnsureSuccess(message.Response, 201, 204);
        return message.Response.Headers.ETag?.ToString();
    }

    /// <summary>Keys are always selected so every entity read can be written back or identified.</summary>
    private static string SelectWithKeys(IEnumerable<string> select) =>
        string.Join(',', KeyColumns.Concat(select).Distinct(StringComparer.Ordinal));

    internal static byte[] Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            TableValue.WriteEntity(writer, entity);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void SetJson(HttpMessage message, byte[] body)
    {
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(body);
    }

    private string EntityUri(TableEntity entity) => EntityUri(entity.PartitionKey, entity.RowKey);

    private string EntityUri(string partitionKey, string rowKey) =>
        $"{TableUri}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));
}

/// <summary>One page of query results and the token for the next page (null when there is none).</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Items, string? ContinuationToken);
