using System.Text;
using System.Text.RegularExpressions;

namespace ServerlessDiscovery.Tables;

/// <summary>The multipart/mixed body of an entity group transaction ($batch), and the parsing of its reply.</summary>
internal static partial class TableBatch
{
    public static byte[] Build(string batchBoundary, string tableUri, IReadOnlyList<TableTransactionAction> actions, Func<TableEntity, string> entityUri)
    {
        string changeset = "changeset_" + Guid.NewGuid().ToString("N");
        var body = new StringBuilder();
        body.Append("--").Append(batchBoundary).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        for (int i = 0; i < actions.Count; i++)
        {
            TableTransactionAction action = actions[i];
            (string method, string uri, string? ifMatch, bool hasBody) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", tableUri, null, true),
                TableTransactionActionType.UpsertMerge => ("MERGE", entityUri(action.Entity), null, true),
                TableTransactionActionType.UpsertReplace => ("PUT", entityUri(action.Entity), null, true),
                TableTransactionActionType.UpdateMerge => ("MERGE", entityUri(action.Entity), action.ETag ?? "*", true),
                TableTransactionActionType.UpdateReplace => ("PUT", entityUri(action.Entity), action.ETag ?? "*", true),
                TableTransactionActionType.Delete => ("DELETE", entityUri(action.Entity), action.ETag ?? "*", false),
                _ => throw new ArgumentOutOfRangeException(nameof(actions), action.ActionType, "Unknown transaction action."),
            };

            body.Append("--").Append(changeset).Append("\r\n")
                .Append("Content-Type: application/http\r\n")
                .Append("Content-Transfer-Encoding: binary\r\n")
                .Append("Content-ID: ").Append(i + 1).Append("\r\n\r\n")
                .Append(method).Append(' ').Append(uri).Append(" HTTP/1.1\r\n")
                .Append("Accept: application/json;odata=minimalmetadata\r\n")
                .Append("DataServiceVersion: 3.0\r\n");
            if (ifMatch is not null)
            {
                body.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            }

            if (hasBody)
            {
                body.Append("Prefer: return-no-content\r\n")
                    .Append("Content-Type: application/json\r\n\r\n")
                    .Append(Encoding.UTF8.GetString(TableClient.Serialize(action.Entity))).Append("\r\n");
            }
            else
            {
                body.Append("\r\n");
            }
        }

        body.Append("--").Append(changeset).Append("--\r\n")
            .Append("--").Append(batchBoundary).Append("--\r\n");
        return Encoding.UTF8.GetBytes(body.ToString());
    }

    /// <summary>Reads each operation's status; throws <see cref="TableTransactionFailedException"/> if the change set failed.</summary>
    public static IReadOnlyList<string?> ParseResponse(ReadOnlyMemory<byte> content, int count)
    {
        string text = Encoding.UTF8.GetString(content.Span);
        MatchCollection statuses = StatusLine().Matches(text);
        var etags = new List<string?>(count);
        for (int i = 0; i < statuses.Count; i++)
        {
            Match status = statuses[i];
            int code = int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            int end = i + 1 < statuses.Count ? statuses[i + 1].Index : text.Length;
            string part = text[status.Index..end];
            if (code >= 400)
            {
                int jsonStart = part.IndexOf('{', StringComparison.Ordinal);
                int jsonEnd = part.LastIndexOf('}');
                byte[] json = jsonStart >= 0 && jsonEnd > jsonStart ? Encoding.UTF8.GetBytes(part[jsonStart..(jsonEnd + 1)]) : [];
                var failure = (TableTransactionFailedException)TableResponses.CreateException(code, json, inTransaction: true);
                if (failure.FailedIndex is null && ContentId().Match(text) is { Success: true } id && statuses.Count == 1)
                {
                    int index = int.Parse(id.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;
                    throw new TableTransactionFailedException(failure.Status, failure.ErrorCode, failure.Message, index);
                }

                throw failure;
            }

            Match etag = ETagHeader().Match(part);
            etags.Add(etag.Success ? etag.Groups[1].Value.Trim() : null);
        }

        if (etags.Count != count)
        {
            throw new TableTransactionFailedException(502, null, $"The transaction reply had {etags.Count} results for {count} operations.", null);
        }

        return etags;
    }

    [GeneratedRegex(@"^HTTP/1\.1 (\d{3})", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^ETag:\s*(.+?)\r?$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ETagHeader();

    [GeneratedRegex(@"^Content-ID:\s*(\d+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ContentId();
}
