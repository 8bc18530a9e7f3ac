using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// An Azure.Core pipeline policy that counts what the Table client sends: every attempt, entity group transactions
/// ($batch) with the operations inside them, and single-entity writes. Added per retry, so it sees retried attempts too.
/// </summary>
public sealed partial class TableRequestCounter : HttpPipelinePolicy
{
    private int _attempts;
    private int _transactions;
    private int _transactionOperations;
    private int _singleWrites;

    /// <summary>Every request that left the pipeline, retries included.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Entity group transactions sent.</summary>
    public int Transactions => Volatile.Read(ref _transactions);

    /// <summary>Entity writes: operations inside transactions plus single inserts, updates, upserts and deletes (table creation excluded).</summary>
    public int EntityWrites => Volatile.Read(ref _transactionOperations) + Volatile.Read(ref _singleWrites);

    /// <summary>Adds the counter to client options, after the retry policy so each attempt is counted.</summary>
    public T AddTo<T>(T options)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _attempts, 0);
        Interlocked.Exchange(ref _transactions, 0);
        Interlocked.Exchange(ref _transactionOperations, 0);
        Interlocked.Exchange(ref _singleWrites, 0);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Count(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref _attempts);
        Request request = message.Request;
        string path = request.Uri.Path;
        if (path.EndsWith("/$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _transactions);
            using var body = new MemoryStream();
            request.Content?.WriteTo(body, message.CancellationToken);
            Interlocked.Add(ref _transactionOperations, SubRequest().Count(Encoding.UTF8.GetString(body.ToArray())));
        }
        else if (request.Method != RequestMethod.Get && !path.EndsWith("/Tables", StringComparison.Ordinal) && !path.Contains("/Tables(", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _singleWrites);
        }
    }

    /// <summary>The request line of each operation in a change set, e.g. "PUT http://.../t(PartitionKey='p',RowKey='r') HTTP/1.1".</summary>
    [GeneratedRegex(@"^(POST|PUT|MERGE|PATCH|DELETE) \S+ HTTP/1\.1\r?$", RegexOptions.Multiline)]
    private static partial Regex SubRequest();
}
